package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import dev.tally.gateway.Api;
import dev.tally.gateway.GatewayConfig;

/**
 * Reserves the call's estimated tokens against the key's tokens per minute once its body is read:
 * about a token per 4 bytes of request, plus its {@code max_tokens} (or
 * {@code tally.gateway.output-tokens-estimate} when it sets none; nothing for embeddings). The
 * reservation is replaced by the tokens the call used when it ends. 429 with {@code retry-after}
 * when the key's used and reserved tokens have reached its limit, which is what refuses concurrent
 * calls past the limit.
 */
@Singleton
public class TokenReservationCheck implements AdmissionCheck {

    private final RateLimiter limiter;
    private final long outputEstimate;

    public TokenReservationCheck(RateLimiter limiter, GatewayConfig config) {
        this.limiter = limiter;
        this.outputEstimate = config.outputTokensEstimate();
    }

    @Override
    public Phase phase() {
        return Phase.POST_BODY;
    }

    @Override
    public int order() {
        return 200;
    }

    @Override
    public boolean appliesTo(Api api) {
        return api.billed; // count_tokens is free; the model list is not a model call
    }

    @Override
    public Refusal check(PendingCall call) {
        RateLimiter.KeyLimits limits = limiter.limitsFor(call.key());
        return limits == null ? PASS : RateLimitCheck.rateLimited(limits.reserve(call, estimate(call, outputEstimate)));
    }

    /** The tokens a call may use, before it is made. */
    static long estimate(PendingCall call, long outputEstimate) {
        long input = (call.requestBytes() + 3L) / 4;
        if (call.api() == Api.EMBEDDINGS) {
            return input;
        }
        long output = call.maxTokens() >= 0 ? call.maxTokens() : outputEstimate;
        return output > Long.MAX_VALUE - input ? Long.MAX_VALUE : input + output;
    }
}
