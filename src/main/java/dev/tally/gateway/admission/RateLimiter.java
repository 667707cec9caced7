package dev.tally.gateway;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.quarkus.scheduler.Scheduled;

/**
 * Requests and tokens per minute per key, in memory on each instance (fixed one-minute windows).
 * A call is admitted while both counters are below the limit; its tokens are added when it ends, so
 * the call that crosses the token limit completes and the next one is refused until the window turns.
 * Never blocks: a window is a few fields under its own monitor.
 */
@Singleton // no client proxy: called on every gateway request
public class RateLimiter {

    static final long WINDOW_NANOS = 60_000_000_000L;

    private final Map<UUID, Window> windows = new ConcurrentHashMap<>();
    private final GatewayConfig config;

    public RateLimiter(GatewayConfig config) {
        this.config = config;
    }

    /** Why a call was refused, and how many whole seconds until it may be retried. */
    public record Refusal(String limit, long retryAfterSeconds) {
    }

    /** Admits a call (counting it) or returns why not. */
    public Refusal admit(UUID keyId, Integer keyRequestsPerMinute, Integer keyTokensPerMinute, long now) {
        long rpm = keyRequestsPerMinute != null ? keyRequestsPerMinute : config.requestsPerMinute();
        long tpm = keyTokensPerMinute != null ? keyTokensPerMinute : config.tokensPerMinute();
        if (rpm <= 0 && tpm <= 0) {
            return null;
        }
        return windows.computeIfAbsent(keyId, k -> new Window(now)).admit(now, rpm, tpm);
    }

    /** Adds the tokens a finished call used. */
    public void addTokens(UUID keyId, long tokens, long now) {
        Window w = windows.get(keyId);
        if (w != null && tokens > 0) {
            w.add(now, tokens);
        }
    }

    /** Forgets keys idle for more than a window, so the map does not grow with every key ever seen. */
    @Scheduled(every = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evictIdle() {
        long now = System.nanoTime();
        windows.entrySet().removeIf(e -> e.getValue().idle(now));
    }

    static final class Window {
        private long start;
        private long requests;
        private long tokens;

        Window(long now) {
            this.start = now;
        }

        synchronized Refusal admit(long now, long rpm, long tpm) {
            roll(now);
            long retry = Math.max(1, (start + WINDOW_NANOS - now + 999_999_999L) / 1_000_000_000L);
            if (rpm > 0 && requests >= rpm) {
                return new Refusal("requests per minute (" + rpm + ")", retry);
            }
            if (tpm > 0 && tokens >= tpm) {
                return new Refusal("tokens per minute (" + tpm + ")", retry);
            }
            requests++;
            return null;
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
