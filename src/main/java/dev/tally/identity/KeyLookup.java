package dev.tally.identity;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The gateway's view of keys: an in-memory lookup by the key's SHA-256, safe to call on the event
 * loop (never touches the database). A revoked key disappears within 5 s on every instance.
 */
public interface KeyLookup {

    /** Result of a lookup; {@code revoked} and {@code expired} keep their reason for the 401 message. */
    enum Status {
        VALID,
        UNKNOWN,
        REVOKED,
        EXPIRED
    }

    /** {@code revokedAt} is set for a revoked key, so that the refusal can say when. */
    record Result(Status status, ResolvedKey key, Instant revokedAt) {

        public Result(Status status, ResolvedKey key) {
            this(status, key, null);
        }
    }

    /** Looks up the raw key as presented by the client ({@code tly_…}). */
    Result lookup(String presentedKey);

    /** Lets the gateway resolve a key id back (for example for rejected-call events); may be empty. */
    default Optional<ResolvedKey> byId(UUID keyId) {
        return Optional.empty();
    }
}
