package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

/**
 * The key's requests and tokens per minute ({@link RateLimiter}), before the body: 429 with
 * {@code retry-after} when the key has used up its requests, or when its tokens used and reserved
 * by calls in flight have reached its limit. The call's own tokens are reserved after the body
 * ({@link TokenReservationCheck}), when its size and {@code max_tokens} are known.
 */
@Singleton
public class RateLimitCheck implements AdmissionCheck {

    private final RateLimiter limiter;

    public RateLimitCheck(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    @Override
    public int order() {
        return 300;
    }

    @Override
    public Refusal check(PendingCall call) {
        RateLimiter.KeyLimits limits = limiter.limitsFor(call.key());
        return limits == null ? PASS : rateLimited(limits.admit(call.key()));
    }

    /** The refusal of a per-key limit, in the client's terms; null when admitted. */
    static Refusal rateLimited(RateLimiter.Refusal refused) {
        if (refused == null) {
            return PASS;
        }
        return Refusal.retryAfter(
                RefusalReason.RATE_LIMITED,
                "rate limit reached for this key: " + refused.limit() + "; retry after " + refused.retryAfterSeconds()
                        + " s",
                refused.retryAfterSeconds());
    }
}
