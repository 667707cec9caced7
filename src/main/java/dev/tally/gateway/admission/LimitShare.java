package dev.tally.gateway.admission;

import java.util.UUID;

/**
 * How much of a key's limit this gateway instance may use now. The per-key counts themselves live
 * in {@link RateLimiter}, in this instance's memory; this is the one place where what other
 * instances hold comes in. {@link SharedLimitShare} (the bean) answers with this instance's claim,
 * exchanged with the other gateways through PostgreSQL; {@link LocalLimitShare} gives the whole limit,
 * as one gateway alone — the fallback when the exchange fails. Called on the event loop for every
 * admitted call, under the key's monitor: it must answer from memory.
 */
public interface LimitShare {

    /** The limits a key has. */
    enum Kind {
        REQUESTS_PER_MINUTE,
        TOKENS_PER_MINUTE,
        IN_FLIGHT
    }

    /** The part of {@code limit} (> 0) this instance may use for the key; at most {@code limit}. */
    long available(Kind kind, UUID keyId, long limit);
}
