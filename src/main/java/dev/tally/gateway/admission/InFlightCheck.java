package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

/**
 * The key's calls in flight ({@code maxInFlight}, default {@code tally.gateway.max-in-flight-per-key}),
 * before the body: a call past the limit gets 429 with {@code retry-after: 1}; an admitted call holds
 * its place until it ends, however it ends.
 */
@Singleton
public class InFlightCheck implements AdmissionCheck {

    private final RateLimiter limiter;

    public InFlightCheck(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    @Override
    public int order() {
        return 400;
    }

    @Override
    public Refusal check(PendingCall call) {
        RateLimiter.KeyLimits limits = limiter.limitsFor(call.key());
        RateLimiter.Refusal refused = limits == null ? null : limits.enter(call);
        if (refused == null) {
            return PASS;
        }
        return Refusal.retryAfter(
                RefusalReason.IN_FLIGHT_LIMIT,
                "too many calls in flight for this key: " + refused.limit()
                        + " at once is its limit; retry when one of them has finished",
                refused.retryAfterSeconds());
    }
}
