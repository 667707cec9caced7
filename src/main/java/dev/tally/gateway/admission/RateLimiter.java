package dev.tally.gateway.admission;

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
 * Requests and tokens per minute per key, in memory on each instance (fixed one-minute windows).
 * A call is admitted while both counters are below the limit; its tokens are added when it ends
 * (its window is the call's {@link Reservation}), so the call that crosses the token limit
 * completes and the next one is refused until the window turns. Never blocks: a window is a few
 * fields under its own monitor.
 */
@Singleton // no client proxy: called on every gateway request
public class RateLimiter {

    static final long WINDOW_NANOS = 60_000_000_000L;

    private final Map<UUID, Window> windows = new ConcurrentHashMap<>();
    private final long defaultRequestsPerMinute;
    private final long defaultTokensPerMinute;
    private final Ticker ticker;

    @Inject
    public RateLimiter(GatewayConfig config, Ticker ticker) {
        this(config.requestsPerMinute(), config.tokensPerMinute(), ticker);
    }

    RateLimiter(long defaultRequestsPerMinute, long defaultTokensPerMinute, Ticker ticker) {
        this.defaultRequestsPerMinute = defaultRequestsPerMinute;
        this.defaultTokensPerMinute = defaultTokensPerMinute;
        this.ticker = ticker;
    }

    /** Why a call was refused, and how many whole seconds until it may be retried. */
    public record Refusal(String limit, long retryAfterSeconds) {
    }

    /** The key's window, or null when neither limit applies to it. */
    public Window windowFor(ResolvedKey key) {
        if (requestsPerMinute(key) <= 0 && tokensPerMinute(key) <= 0) {
            return null;
        }
        Window w = windows.get(key.keyId());
        if (w == null) {
            long now = ticker.nanoTime();
            w = windows.computeIfAbsent(key.keyId(), k -> new Window(now));
        }
        return w;
    }

    private long requestsPerMinute(ResolvedKey key) {
        return key.requestsPerMinute() != null ? key.requestsPerMinute() : defaultRequestsPerMinute;
    }

    private long tokensPerMinute(ResolvedKey key) {
        return key.tokensPerMinute() != null ? key.tokensPerMinute() : defaultTokensPerMinute;
    }

    /** Forgets keys idle for more than a window, so the map does not grow with every key ever seen. */
    @Scheduled(every = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evictIdle() {
        long now = ticker.nanoTime();
        windows.entrySet().removeIf(e -> e.getValue().idle(now));
    }

    int trackedKeys() {
        return windows.size();
    }

    /**
     * One key's counters. As a call's reservation it adds the call's tokens when it ends, to
     * whatever window is current then.
     */
    public final class Window implements Reservation {
        private long start;
        private long requests;
        private long tokens;

        Window(long now) {
            this.start = now;
        }

        /** Counts a call of {@code key}, or says why not (then nothing is counted). */
        public Refusal admit(ResolvedKey key) {
            return admit(ticker.nanoTime(), requestsPerMinute(key), tokensPerMinute(key));
        }

        private synchronized Refusal admit(long now, long rpm, long tpm) {
            roll(now);
            if (rpm > 0 && requests >= rpm || tpm > 0 && tokens >= tpm) {
                long retry = Math.max(1, (start + WINDOW_NANOS - now + 999_999_999L) / 1_000_000_000L);
                return new Refusal(rpm > 0 && requests >= rpm ? "requests per minute (" + rpm + ")"
                        : "tokens per minute (" + tpm + ")", retry);
            }
            requests++;
            return null;
        }

        @Override
        public void settle(Usage usage, CallOutcome outcome) {
            long n = usage.total();
            if (n > 0) {
                add(ticker.nanoTime(), n);
            }
        }

        synchronized void add(long now, long n) {
            roll(now);
            tokens += n;
        }

        synchronized boolean idle(long now) {
            return now - start > 2 * WINDOW_NANOS;
        }

        private void roll(long now) {
            if (now - start >= WINDOW_NANOS) {
                start = now;
                requests = 0;
                tokens = 0;
            }
        }
    }
}
