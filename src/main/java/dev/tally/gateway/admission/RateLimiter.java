package dev.tally.gateway.admission;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.scheduler.Scheduled;

import dev.tally.events.CallOutcome;
import dev.tally.gateway.GatewayConfig;
import dev.tally.gateway.Usage;
import dev.tally.identity.ResolvedKey;
import dev.tally.platform.Ticker;

/**
 * The per-key limits, counted in this instance's memory: requests and tokens per minute (fixed
 * one-minute windows) and calls in flight. Tokens are reserved at admission (an estimate: the
 * request's size and its {@code max_tokens}) and settled to the real count when the call ends, so
 * calls in flight count against the limit and concurrent calls cannot all pass it. How much of each
 * limit this instance may use is asked of {@link LimitShare} under the key's monitor (the whole
 * limit with {@link LocalLimitShare}; a claim exchanged with the other gateways with
 * {@link SharedLimitShare}). Never blocks: a key's counts are a few fields under its own monitor.
 */
@Singleton // no client proxy: called on every gateway request
public class RateLimiter {

    static final long WINDOW_NANOS = 60_000_000_000L;

    private final Map<UUID, KeyLimits> keys = new ConcurrentHashMap<>();
    private final long defaultRequestsPerMinute;
    private final long defaultTokensPerMinute;
    private final long defaultInFlight;
    private final LimitShare share;
    private final Ticker ticker;

    @Inject
    public RateLimiter(GatewayConfig config, LimitShare share, Ticker ticker) {
        this(config.requestsPerMinute(), config.tokensPerMinute(), config.maxInFlightPerKey(), share, ticker);
    }

    RateLimiter(
            long defaultRequestsPerMinute,
            long defaultTokensPerMinute,
            long defaultInFlight,
            LimitShare share,
            Ticker ticker) {
        this.defaultRequestsPerMinute = defaultRequestsPerMinute;
        this.defaultTokensPerMinute = defaultTokensPerMinute;
        this.defaultInFlight = defaultInFlight;
        this.share = share;
        this.ticker = ticker;
    }

    /** Why a call was refused, and how many whole seconds until it may be retried. */
    public record Refusal(String limit, long retryAfterSeconds) {}

    /** What this instance holds of one key, as published to other instances. */
    public record Counts(long requests, long tokens, long reservedTokens, long inFlight) {
        static final Counts NONE = new Counts(0, 0, 0, 0);
    }

    /** The key's counts, or null when none of its limits applies. */
    public KeyLimits limitsFor(ResolvedKey key) {
        if (requestsPerMinute(key) <= 0 && tokensPerMinute(key) <= 0 && inFlight(key) <= 0) {
            return null;
        }
        KeyLimits l = keys.get(key.keyId());
        if (l == null) {
            long now = ticker.nanoTime();
            l = keys.computeIfAbsent(key.keyId(), k -> new KeyLimits(k, now));
        }
        return l;
    }

    long requestsPerMinute(ResolvedKey key) {
        return key.requestsPerMinute() != null ? key.requestsPerMinute() : defaultRequestsPerMinute;
    }

    long tokensPerMinute(ResolvedKey key) {
        return key.tokensPerMinute() != null ? key.tokensPerMinute() : defaultTokensPerMinute;
    }

    long inFlight(ResolvedKey key) {
        return key.maxInFlight() != null ? key.maxInFlight() : defaultInFlight;
    }

    /** This instance's counts per key (what a cross-instance {@link LimitShare} publishes). */
    public Map<UUID, Counts> snapshot() {
        long now = ticker.nanoTime();
        Map<UUID, Counts> out = new HashMap<>();
        keys.forEach((id, l) -> out.put(id, l.counts(now)));
        return out;
    }

    /** This instance's counts of one key now (zero when it holds none), read by a cross-instance {@link LimitShare}. */
    public Counts counts(UUID keyId) {
        KeyLimits l = keys.get(keyId);
        return l == null ? Counts.NONE : l.counts(ticker.nanoTime());
    }

    /** Forgets keys idle for more than a window with nothing in flight, so the map does not grow with every key ever seen. */
    @Scheduled(
            every = "5m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void evictIdle() {
        long now = ticker.nanoTime();
        keys.entrySet().removeIf(e -> e.getValue().idle(now));
    }

    int trackedKeys() {
        return keys.size();
    }

    private static long retryAfter(long windowStart, long now) {
        return Math.max(1, (windowStart + WINDOW_NANOS - now + 999_999_999L) / 1_000_000_000L);
    }

    /**
     * One key's counts. A call in flight holds a slot (given back when it ends) and a {@link Hold} of
     * its estimated tokens (replaced by the tokens it used when it ends).
     */
    public final class KeyLimits {
        private final UUID keyId;
        private final Reservation slot = (usage, outcome) -> leave();
        private long start;
        private long requests;
        /** Tokens of calls settled in this window. */
        private long tokens;
        /** Estimates of the calls in flight that hold tokens; not tied to a window. */
        private long reserved;

        private long inFlight;

        KeyLimits(UUID keyId, long now) {
            this.keyId = keyId;
            this.start = now;
        }

        /** Counts a call of {@code key} against its requests per minute, or says why not (then nothing is counted). */
        public Refusal admit(ResolvedKey key) {
            long rpm = requestsPerMinute(key);
            long tpm = tokensPerMinute(key);
            long now = ticker.nanoTime();
            synchronized (this) {
                // the share is asked under this lock, the one its exchange reads these counts under
                long rpmHere = rpm > 0 ? share.available(LimitShare.Kind.REQUESTS_PER_MINUTE, keyId, rpm) : 0;
                long tpmHere = tpm > 0 ? share.available(LimitShare.Kind.TOKENS_PER_MINUTE, keyId, tpm) : 0;
                roll(now);
                if (rpm > 0 && requests >= rpmHere) {
                    return new Refusal("requests per minute (" + rpm + ")", retryAfter(start, now));
                }
                if (tpm > 0 && tokens + reserved >= tpmHere) {
                    return new Refusal(
                            "tokens per minute (" + tpm + "), counting the tokens reserved by calls in flight",
                            retryAfter(start, now));
                }
                requests++;
                return null;
            }
        }

        /**
         * Takes a place among the key's calls in flight for {@code call}, given back when it ends, or
         * says why not.
         */
        public Refusal enter(PendingCall call) {
            long max = inFlight(call.key());
            if (max <= 0) {
                return null;
            }
            synchronized (this) {
                if (inFlight >= share.available(LimitShare.Kind.IN_FLIGHT, keyId, max)) {
                    return new Refusal("calls in flight (" + max + ")", 1);
                }
                inFlight++;
            }
            call.reserve(slot);
            return null;
        }

        /**
         * Reserves {@code estimate} tokens for {@code call} until it ends (then the estimate is
         * replaced by what it used), or says why not. A call is admitted while the key's settled and
         * reserved tokens are below its limit, so one large call can still cross it, as a call did
         * before reservations; the calls after it wait until it settles or the window turns.
         */
        public Refusal reserve(PendingCall call, long estimate) {
            long tpm = tokensPerMinute(call.key());
            if (tpm <= 0) {
                return null;
            }
            long now = ticker.nanoTime();
            synchronized (this) {
                roll(now);
                if (tokens + reserved >= share.available(LimitShare.Kind.TOKENS_PER_MINUTE, keyId, tpm)) {
                    return new Refusal(
                            "tokens per minute (" + tpm + "): " + (tokens + reserved)
                                    + " used this minute or reserved by calls in flight",
                            retryAfter(start, now));
                }
                reserved = saturatedAdd(reserved, estimate);
            }
            call.reserve(new Hold(estimate));
            return null;
        }

        synchronized void leave() {
            inFlight--;
        }

        synchronized void settle(long estimate, long used) {
            roll(ticker.nanoTime());
            reserved = Math.max(0, reserved - estimate);
            tokens = saturatedAdd(tokens, used);
        }

        synchronized Counts counts(long now) {
            roll(now);
            return new Counts(requests, tokens, reserved, inFlight);
        }

        synchronized boolean idle(long now) {
            return now - start > 2 * WINDOW_NANOS && inFlight == 0 && reserved == 0;
        }

        private void roll(long now) {
            if (now - start >= WINDOW_NANOS) {
                start = now;
                requests = 0;
                tokens = 0;
            }
        }

        /** A call's reserved tokens: settled, the estimate is replaced by what the call used. */
        public final class Hold implements Reservation {
            private final long estimate;

            Hold(long estimate) {
                this.estimate = estimate;
            }

            public long estimate() {
                return estimate;
            }

            @Override
            public void settle(Usage usage, CallOutcome outcome) {
                KeyLimits.this.settle(estimate, usage.total());
            }
        }
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
