package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

/**
 * The key's requests and tokens per minute ({@link RateLimiter}): 429 with {@code retry-after}
 * when either is used up. An admitted call reserves its window, which takes the call's tokens
 * when it ends.
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
        RateLimiter.Window window = limiter.windowFor(call.key());
        if (window == null) {
            return PASS;
        }
        RateLimiter.Refusal refused = window.admit(call.key());
        if (refused != null) {
            return Refusal.retryAfter(RefusalReason.RATE_LIMITED, "rate limit reached for this key: "
                    + refused.limit() + "; retry after " + refused.retryAfterSeconds() + " s",
                    refused.retryAfterSeconds());
        }
        call.reserve(window);
        return PASS;
    }
}
