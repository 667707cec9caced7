package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tally.gateway.Api;
import dev.tally.gateway.Usage;
import dev.tally.identity.ResolvedKey;

/** The limiter on a ticker the test moves: windows turn without anyone waiting a minute. */
class RateLimiterTest {

    static final long SECOND = 1_000_000_000L;

    long now = 1_000 * SECOND;
    final RateLimiter limiter = new RateLimiter(3, 1_000, 4, new LocalLimitShare(), () -> now);

    static ResolvedKey key(Integer rpm, Integer tpm) {
        return key(rpm, tpm, null);
    }

    static ResolvedKey key(Integer rpm, Integer tpm, Integer inFlight) {
        return new ResolvedKey(
                UUID.randomUUID(),
                "tly_test",
                UUID.randomUUID(),
                UUID.randomUUID(),
                Set.of(),
                null,
                rpm,
                tpm,
                inFlight);
    }

    static Usage usage(long input, long output) {
        Usage u = new Usage();
        u.input = input;
        u.output = output;
        return u;
    }

    /** A call of {@code k} with a body of {@code bytes} asking for {@code maxTokens}. */
    static FakeCall call(ResolvedKey k, int bytes, long maxTokens) {
        return new FakeCall(Api.CHAT_COMPLETIONS).key(k).body(bytes, maxTokens);
    }

    @Test
    void theRequestPastTheLimitIsRefusedUntilTheWindowTurns() {
        ResolvedKey k = key(null, null);
        RateLimiter.KeyLimits l = limiter.limitsFor(k);
        for (int i = 0; i < 3; i++) {
            assertThat(l.admit(k)).isNull();
        }
        now += 20 * SECOND;
        RateLimiter.Refusal refused = l.admit(k);
        assertThat(refused.limit()).isEqualTo("requests per minute (3)");
        assertThat(refused.retryAfterSeconds()).isEqualTo(40);
        now += 40 * SECOND - 1;
        assertThat(l.admit(k)).isNotNull();
        now += 1;
        assertThat(l.admit(k)).isNull();
    }

    @Test
    void aRefusedRequestIsNotCounted() {
        ResolvedKey k = key(1, null);
        RateLimiter.KeyLimits l = limiter.limitsFor(k);
        assertThat(l.admit(k)).isNull();
        for (int i = 0; i < 5; i++) {
            assertThat(l.admit(k)).isNotNull();
        }
        now += RateLimiter.WINDOW_NANOS;
        assertThat(l.admit(k)).isNull();
    }

    @Test
    void concurrentCallsReserveTheirEstimatesSoTheyCannotAllPassTheTokenLimit() {
        ResolvedKey k = key(100, 1_000);
        RateLimiter.KeyLimits l = limiter.limitsFor(k);
        FakeCall a = call(k, 400, 500);
        FakeCall b = call(k, 400, 500);
        FakeCall c = call(k, 400, 500);
        assertThat(l.reserve(a, 600)).isNull();
        assertThat(l.reserve(b, 600)).isNull(); // 600 reserved is under 1,000: admitted, and crosses it
        RateLimiter.Refusal refused = l.reserve(c, 600);
        assertThat(refused.limit())
                .isEqualTo("tokens per minute (1000): 1200 used this minute or reserved by calls in flight");
        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        assertThat(c.reservations).isEmpty();
        // a call arriving now is refused before its body too
        assertThat(l.admit(k).limit()).startsWith("tokens per minute (1000)");

        a.end(usage(80, 20)); // settled: its 600 reserved become the 100 it used
        assertThat(limiter.snapshot().get(k.keyId())).isEqualTo(new RateLimiter.Counts(0, 100, 600, 0));
        assertThat(l.reserve(c, 600)).isNull();
    }

    @Test
    void reservedTokensOutliveTheWindowUntilTheirCallEnds() {
        ResolvedKey k = key(100, 1_000);
        RateLimiter.KeyLimits l = limiter.limitsFor(k);
        FakeCall a = call(k, 0, 1_000);
        assertThat(l.reserve(a, 1_000)).isNull();
        now += RateLimiter.WINDOW_NANOS;
        assertThat(l.admit(k)).isNotNull(); // a new minute, but the long call still holds its estimate
        a.end(usage(10, 10));
        assertThat(l.admit(k)).isNull();
        assertThat(limiter.snapshot().get(k.keyId()).tokens()).isEqualTo(20);
    }

    @Test
    void theThirdConcurrentCallOfAKeyLimitedToTwoIsRefusedUntilOneEnds() {
        ResolvedKey k = key(null, null, 2);
        RateLimiter.KeyLimits l = limiter.limitsFor(k);
        FakeCall first = call(k, 0, -1);
        FakeCall second = call(k, 0, -1);
        assertThat(l.enter(first)).isNull();
        assertThat(l.enter(second)).isNull();
        RateLimiter.Refusal refused = l.enter(call(k, 0, -1));
        assertThat(refused.limit()).isEqualTo("calls in flight (2)");
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
        second.end(usage(1, 1));
        assertThat(l.enter(call(k, 0, -1))).isNull();
        assertThat(limiter.snapshot().get(k.keyId()).inFlight()).isEqualTo(2);
    }

    @Test
    void theDefaultInFlightLimitAppliesToKeysWithoutTheirOwn() {
        ResolvedKey k = key(null, null);
        RateLimiter.KeyLimits l = limiter.limitsFor(k);
        for (int i = 0; i < 4; i++) {
            assertThat(l.enter(call(k, 0, -1))).isNull();
        }
        assertThat(l.enter(call(k, 0, -1)).limit()).isEqualTo("calls in flight (4)");
    }

    @Test
    void aKeysOwnLimitsWinOverTheDefaults() {
        ResolvedKey generous = key(5, null);
        RateLimiter.KeyLimits l = limiter.limitsFor(generous);
        for (int i = 0; i < 5; i++) {
            assertThat(l.admit(generous)).isNull();
        }
        assertThat(l.admit(generous)).isNotNull();
    }

    @Test
    void aKeyWithoutLimitsHasNoCounts() {
        assertThat(limiter.limitsFor(key(0, 0, 0))).isNull();
        assertThat(new RateLimiter(0, 0, 0, new LocalLimitShare(), () -> now).limitsFor(key(null, null)))
                .isNull();
        assertThat(limiter.trackedKeys()).isZero();
    }

    @Test
    void eachKeyHasItsOwnCounts() {
        ResolvedKey a = key(1, null);
        ResolvedKey b = key(1, null);
        assertThat(limiter.limitsFor(a).admit(a)).isNull();
        assertThat(limiter.limitsFor(b).admit(b)).isNull();
        assertThat(limiter.limitsFor(a).admit(a)).isNotNull();
        assertThat(limiter.limitsFor(a)).isSameAs(limiter.limitsFor(a));
    }

    @Test
    void keysIdleForTwoWindowsAreForgottenUnlessACallIsStillInFlight() {
        ResolvedKey idle = key(null, null);
        limiter.limitsFor(idle).admit(idle);
        ResolvedKey longCall = key(null, null);
        limiter.limitsFor(longCall).enter(call(longCall, 0, -1));
        now += RateLimiter.WINDOW_NANOS;
        ResolvedKey busy = key(null, null);
        limiter.limitsFor(busy).admit(busy);
        now += RateLimiter.WINDOW_NANOS + 1;
        limiter.evictIdle();
        assertThat(limiter.snapshot().keySet()).containsExactlyInAnyOrder(busy.keyId(), longCall.keyId());
    }

    @Test
    void anInstanceUsesOnlyTheShareOfALimitItIsGiven() {
        // what a cross-instance share would do with two instances: half of each limit here
        RateLimiter halved = new RateLimiter(4, 1_000, 4, (kind, keyId, limit) -> limit / 2, () -> now);
        ResolvedKey k = key(null, null);
        RateLimiter.KeyLimits l = halved.limitsFor(k);
        assertThat(l.admit(k)).isNull();
        assertThat(l.admit(k)).isNull();
        assertThat(l.admit(k).limit()).isEqualTo("requests per minute (4)");
        assertThat(l.enter(call(k, 0, -1))).isNull();
        assertThat(l.enter(call(k, 0, -1))).isNull();
        assertThat(l.enter(call(k, 0, -1))).isNotNull();
        assertThat(l.reserve(call(k, 0, 600), 600)).isNull();
        assertThat(l.reserve(call(k, 0, 1), 1)).isNotNull();
    }

    @Test
    void theEstimateIsTheRequestSizeAndItsMaxTokens() {
        assertThat(TokenReservationCheck.estimate(call(key(null, null), 400, 500), 4096))
                .isEqualTo(600);
        assertThat(TokenReservationCheck.estimate(call(key(null, null), 401, -1), 4096))
                .isEqualTo(101 + 4096);
        assertThat(TokenReservationCheck.estimate(new FakeCall(Api.EMBEDDINGS).body(400, -1), 4096))
                .isEqualTo(100);
        assertThat(TokenReservationCheck.estimate(call(key(null, null), 400, Long.MAX_VALUE), 4096))
                .isEqualTo(Long.MAX_VALUE);
    }
}
