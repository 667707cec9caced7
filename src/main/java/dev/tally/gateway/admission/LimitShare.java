package dev.tally.gateway.admission;

import java.util.UUID;

/**
 * How much of a key's limit this gateway instance may use now. The per-key counts themselves live
 * in {@link RateLimiter}, in this instance's memory; this is the one place where what other
 * instances hold can come in.
 *
 * <p>The default ({@link LocalLimitShare}) gives every instance the whole limit, so with N instances
 * behind a load balancer a key can reach up to N times each of its limits. A cross-instance
 * implementation replaces that bean: each instance publishes {@link RateLimiter#snapshot()} (its
 * requests and tokens of the current minute, tokens reserved and calls in flight, per key) to a
 * shared store at an interval, and answers here the limit minus what the other instances last
 * published, or only a fair share of what is left when the key is near its limit. It is called on
 * the event loop for every admitted call: it must answer from memory.
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
