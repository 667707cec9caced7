package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.tally.platform.StartupException;

/**
 * The pacing rule, on a ticker the test moves and a gateway call counter the test sets: who is
 * paced, from which call rate, and by how much.
 */
class AggregatorPacingTest {

    private static final long MS = 1_000_000L;
    /** Busy from this many gateway calls a second (the default is larger; the rule is the same). */
    private static final double BUSY = 100;
    /** Calm again under this many (the default is larger; the rule is the same). */
    private static final double CALM = 10;
    /** Most records in a batch while paced. */
    private static final int MAX_BATCH = 2_000;

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final AtomicLong calls = new AtomicLong(1_234);

    private AggregatorPacing pacing(double share, boolean gatewayHere) {
        return pacing(share, BUSY, CALM, gatewayHere);
    }

    private AggregatorPacing pacing(double share, double busy, double calm, boolean gatewayHere) {
        return new AggregatorPacing(
                share, Duration.ofSeconds(1), MAX_BATCH, busy, calm, gatewayHere, calls::get, now::get);
    }

    /** The defaults: busy from 500 calls/s, calm again under 50. */
    private AggregatorPacing withTheDefaultRates() {
        return pacing(0.25, 500, 50, true);
    }

    /** {@code n} gateway calls spread over {@code ms} milliseconds. */
    private void gatewayTakes(long n, long ms) {
        calls.addAndGet(n);
        now.addAndGet(ms * MS);
    }

    /** A pacing whose first window has shown the gateway busy (200 calls in a second, twice the threshold). */
    private AggregatorPacing busy(double share) {
        AggregatorPacing p = pacing(share, true);
        gatewayTakes(200, 1_000);
        return p;
    }

    @Test
    void aBusyGatewayLeavesEachConsumerItsShareOfTheWallClock() {
        // share 0.25: a batch of 100 ms is followed by 300 ms of waiting, 25 % of the time on batches
        assertThat(busy(0.25).pauseAfter(100 * MS)).isEqualTo(300 * MS);
        // share 0.5: as long waiting as working
        assertThat(busy(0.5).pauseAfter(40 * MS)).isEqualTo(40 * MS);
    }

    @Test
    void theWaitIsCappedSoTheRollupsStayFresh() {
        // 500 ms of batch would ask for 1.5 s of waiting; the cap is 1 s
        assertThat(busy(0.25).pauseAfter(500 * MS)).isEqualTo(1_000 * MS);
    }

    @Test
    void aLoadAtOrAboveTheThresholdPacesTheAggregator() {
        AggregatorPacing p = pacing(0.25, true);
        gatewayTakes(100, 1_000);
        assertThat(p.pauseAfter(100 * MS))
                .as("100 calls in 1 s: at the threshold")
                .isEqualTo(300 * MS);
        gatewayTakes(5_000, 1_000);
        assertThat(p.pauseAfter(100 * MS)).as("5,000 calls in 1 s").isEqualTo(300 * MS);
    }

    @Test
    void aTrickleBelowTheThresholdIsNeverPaced() {
        AggregatorPacing p = pacing(0.25, true);
        // a demo's steady trickle, 50 calls a second for a minute, looked at after every batch
        for (int i = 0; i < 600; i++) {
            gatewayTakes(5, 100);
            assertThat(p.pauseAfter(100 * MS))
                    .as("after %d s of 50 calls/s", (i + 1) / 10.0)
                    .isZero();
        }
        // 99 calls in a second, just under
        gatewayTakes(99, 1_000);
        assertThat(p.pauseAfter(100 * MS)).isZero();
    }

    @Test
    void theRateIsMeasuredOverAWholeWindowNotOneBurst() {
        AggregatorPacing p = pacing(0.25, true);
        // 60 calls within 10 ms would be 6,000 calls/s, but over the second they are 60
        gatewayTakes(60, 10);
        gatewayTakes(0, 990);
        assertThat(p.pauseAfter(100 * MS)).isZero();
    }

    @Test
    void aVerdictHoldsUntilTheNextWindowCloses() {
        AggregatorPacing p = busy(0.25);
        assertThat(p.pauseAfter(100 * MS)).as("busy window just closed").isEqualTo(300 * MS);
        gatewayTakes(0, 999);
        assertThat(p.pauseAfter(100 * MS))
                .as("no call for 999 ms: the window is still open")
                .isEqualTo(300 * MS);
        gatewayTakes(0, 1);
        assertThat(p.pauseAfter(100 * MS)).as("a whole second without a call").isZero();
    }

    /** The bench's latency test: 200 calls a second for a minute, with this pause after every batch. */
    private void aMinuteOf200CallsASecond(AggregatorPacing p, long pauseNanos) {
        for (int i = 0; i < 60; i++) {
            gatewayTakes(200, 1_000);
            assertThat(p.pauseAfter(100 * MS))
                    .as("after %d s of 200 calls/s", i + 1)
                    .isEqualTo(pauseNanos);
        }
    }

    @Test
    void aModerateLoadAfterASaturatingOneStaysPacedUntilTheRateFallsBelowTheCalmOne() {
        // the bench's shape: saturation tests, then a latency test at 200 req/s
        AggregatorPacing p = withTheDefaultRates();
        gatewayTakes(600, 1_000);
        assertThat(p.pauseAfter(100 * MS)).as("600 calls/s: busy").isEqualTo(300 * MS);
        aMinuteOf200CallsASecond(p, 300 * MS);
        gatewayTakes(50, 1_000);
        assertThat(p.pauseAfter(100 * MS))
                .as("50 calls/s: at the calm rate, still paced")
                .isEqualTo(300 * MS);
        gatewayTakes(20, 1_000);
        assertThat(p.pauseAfter(100 * MS)).as("20 calls/s: calm").isZero();
        gatewayTakes(200, 1_000);
        assertThat(p.pauseAfter(100 * MS)).as("calm, then 200 calls/s again").isZero();
    }

    @Test
    void aModerateLoadFromCalmDoesNotStartThePacing() {
        AggregatorPacing p = withTheDefaultRates();
        aMinuteOf200CallsASecond(p, 0);
        gatewayTakes(499, 1_000);
        assertThat(p.pauseAfter(100 * MS)).as("499 calls/s, just under busy").isZero();
    }

    @Test
    void aLoadAfterALongQuietSpellPacesFromTheWindowAfter() {
        AggregatorPacing p = pacing(0.25, true);
        gatewayTakes(0, 600_000);
        // the load starts; the first look closes the ten quiet minutes (its rate is low) ...
        gatewayTakes(300, 1_000);
        assertThat(p.pauseAfter(100 * MS)).isZero();
        // ... and the next whole second of load counts
        gatewayTakes(300, 1_000);
        assertThat(p.pauseAfter(100 * MS)).isEqualTo(300 * MS);
    }

    @Test
    void anInstanceWithoutTheGatewayRoleIsNeverPaced() {
        AggregatorPacing p = pacing(0.25, false);
        gatewayTakes(10_000, 1_000);
        assertThat(p.pauseAfter(100 * MS)).isZero();
    }

    @Test
    void aShareOfOneTurnsThePacingOff() {
        assertThat(busy(1).pauseAfter(100 * MS)).isZero();
    }

    @Test
    void whilePacedABatchHoldsAtMostTheBatchLimit() {
        AggregatorPacing p = busy(0.25);
        assertThat(p.recordsPerBatch()).isEqualTo(MAX_BATCH);
        // still busy on the next window: still limited
        gatewayTakes(150, 1_000);
        assertThat(p.recordsPerBatch()).isEqualTo(MAX_BATCH);
    }

    @Test
    void unpacedBatchesAreLimitedOnlyByThePoll() {
        AggregatorPacing idle = pacing(0.25, true);
        gatewayTakes(50, 1_000); // under the busy rate
        assertThat(idle.recordsPerBatch()).as("gateway not busy").isEqualTo(Integer.MAX_VALUE);
        assertThat(busy(1).recordsPerBatch()).as("share 1: pacing off").isEqualTo(Integer.MAX_VALUE);
        AggregatorPacing noGateway = pacing(0.25, false);
        gatewayTakes(5_000, 1_000);
        assertThat(noGateway.recordsPerBatch()).as("no gateway in this JVM").isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void theLimitIsLiftedOnceTheGatewayIsCalmAgain() {
        AggregatorPacing p = busy(0.25);
        assertThat(p.recordsPerBatch()).isEqualTo(MAX_BATCH);
        gatewayTakes(5, 1_000); // 5 calls/s: under the calm rate
        assertThat(p.recordsPerBatch()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aBatchLimitUnderOneStopsStartUpWithTheKeyNamed() {
        for (int bad : new int[] {0, -1}) {
            assertThatThrownBy(() -> new AggregatorPacing(
                            0.25, Duration.ofSeconds(1), bad, BUSY, CALM, true, calls::get, now::get))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("tally.aggregator.max-batch-under-gateway-load is " + bad);
        }
    }

    @Test
    void aShareOutsideZeroToOneStopsStartUpWithTheKeyNamed() {
        for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> pacing(bad, true))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("tally.aggregator.share-under-gateway-load");
        }
    }

    @Test
    void aBusyRateThatIsNotAPositiveNumberStopsStartUpWithTheKeyNamed() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> pacing(0.25, bad, CALM, true))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("tally.aggregator.gateway-busy-calls-per-second is");
        }
    }

    @Test
    void aCalmRateAboveTheBusyOneOrNotPositiveStopsStartUpWithTheKeyNamed() {
        for (double bad : new double[] {BUSY + 1, 0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> pacing(0.25, BUSY, bad, true))
                    .as("calm %s, busy %s", bad, BUSY)
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("tally.aggregator.gateway-calm-calls-per-second is " + bad)
                    .hasMessageContaining("at most tally.aggregator.gateway-busy-calls-per-second (" + BUSY);
        }
        assertThatCode(() -> pacing(0.25, BUSY, BUSY, true))
                .as("calm = busy: no hysteresis, allowed")
                .doesNotThrowAnyException();
    }

    @Test
    void anUnsetCalmRateIsFiftyOrTheBusyRateWhenThatIsLower() {
        assertThat(AggregatorPacing.calmOrDefault(OptionalDouble.empty(), 500)).isEqualTo(50);
        assertThat(AggregatorPacing.calmOrDefault(OptionalDouble.empty(), 20))
                .as("a busy rate lowered below 50 needs no calm setting beside it")
                .isEqualTo(20);
        assertThat(AggregatorPacing.calmOrDefault(OptionalDouble.of(100), 500)).isEqualTo(100);
    }
}
