package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tally.events.CallOutcome;
import dev.tally.gateway.Usage;
import dev.tally.identity.ResolvedKey;

/** The limiter on a ticker the test moves: windows turn without anyone waiting a minute. */
class RateLimiterTest {

    static final long SECOND = 1_000_000_000L;

    long now = 1_000 * SECOND;
    final RateLimiter limiter = new RateLimiter(3, 1_000, () -> now);

    static ResolvedKey key(Integer rpm, Integer tpm) {
        return new ResolvedKey(UUID.randomUUID(), "tly_test", UUID.randomUUID(), UUID.randomUUID(), Set.of(), null,
                rpm, tpm);
    }

    static Usage usage(long input, long output) {
        Usage u = new Usage();
        u.input = input;
        u.output = output;
        return u;
    }

    @Test
    void theRequestPastTheLimitIsRefusedUntilTheWindowTurns() {
        ResolvedKey k = key(null, null);
        RateLimiter.Window w = limiter.windowFor(k);
        for (int i = 0; i < 3; i++) {
            assertThat(w.admit(k)).isNull();
        }
        now += 20 * SECOND;
        RateLimiter.Refusal refused = w.admit(k);
        assertThat(refused.limit()).isEqualTo("requests per minute (3)");
        assertThat(refused.retryAfterSeconds()).isEqualTo(40);
        now += 40 * SECOND - 1;
        assertThat(w.admit(k)).isNotNull();
        now += 1;
        assertThat(w.admit(k)).isNull();
    }

    @Test
    void aRefusedRequestIsNotCounted() {
        ResolvedKey k = key(1, null);
        RateLimiter.Window w = limiter.windowFor(k);
        assertThat(w.admit(k)).isNull();
        for (int i = 0; i < 5; i++) {
            assertThat(w.admit(k)).isNotNull();
        }
        now += RateLimiter.WINDOW_NANOS;
        assertThat(w.admit(k)).isNull();
    }

    @Test
    void tokensCountWhenTheCallIsSettledSoTheCallThatCrossesTheLimitCompletes() {
        ResolvedKey k = key(100, 500);
        RateLimiter.Window w = limiter.windowFor(k);
        assertThat(w.admit(k)).isNull();
        assertThat(w.admit(k)).isNull(); // two calls in flight: nothing counted yet
        w.settle(usage(300, 100), CallOutcome.OK);
        assertThat(w.admit(k)).isNull();
        w.settle(usage(150, 0), CallOutcome.CLIENT_CANCELLED);
        RateLimiter.Refusal refused = w.admit(k);
        assertThat(refused.limit()).isEqualTo("tokens per minute (500)");
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
    }

    @Test
    void aKeysOwnLimitsWinOverTheDefaults() {
        ResolvedKey generous = key(5, null);
        RateLimiter.Window w = limiter.windowFor(generous);
        for (int i = 0; i < 5; i++) {
            assertThat(w.admit(generous)).isNull();
        }
        assertThat(w.admit(generous)).isNotNull();
    }

    @Test
    void aKeyWithoutLimitsHasNoWindow() {
        assertThat(limiter.windowFor(key(0, 0))).isNull();
        assertThat(new RateLimiter(0, 0, () -> now).windowFor(key(null, null))).isNull();
        assertThat(limiter.trackedKeys()).isZero();
    }

    @Test
    void eachKeyHasItsOwnWindow() {
        ResolvedKey a = key(1, null);
        ResolvedKey b = key(1, null);
        assertThat(limiter.windowFor(a).admit(a)).isNull();
        assertThat(limiter.windowFor(b).admit(b)).isNull();
        assertThat(limiter.windowFor(a).admit(a)).isNotNull();
        assertThat(limiter.windowFor(a)).isSameAs(limiter.windowFor(a));
    }

    @Test
    void keysIdleForTwoWindowsAreForgotten() {
        ResolvedKey idle = key(null, null);
        limiter.windowFor(idle).admit(idle);
        now += RateLimiter.WINDOW_NANOS;
        ResolvedKey busy = key(null, null);
        limiter.windowFor(busy).admit(busy);
        now += RateLimiter.WINDOW_NANOS + 1;
        limiter.evictIdle();
        assertThat(limiter.trackedKeys()).isEqualTo(1);
        assertThat(limiter.windowFor(busy).admit(busy)).isNull();
    }
}
