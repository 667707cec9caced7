package dev.tally.identity;

import java.time.Instant;

/**
 * One row of the gateway's key cache: what the key resolves to, and when it was revoked (null while
 * it is not), which the gateway names in its refusal.
 */
record KeyEntry(String hash, ResolvedKey key, Instant revokedAt) {

    boolean revoked() {
        return revokedAt != null;
    }
}
