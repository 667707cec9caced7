package dev.tally.identity;

/** One row of the gateway's key cache: what the key resolves to, and whether it was revoked. */
record KeyEntry(String hash, ResolvedKey key, boolean revoked) {
}
