package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.tally.platform.GatewayActivity;
import dev.tally.platform.StartupException;

/** The pacing rule, on a ticker the test moves: who is paced, when, and by how much. */
class AggregatorPacingTest {

    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(5_000 * MS);
    private final GatewayActivity gateway = new GatewayActivity(now::get);

    private AggregatorPacing pacing(double share, boolean gatewayHere) {
        return new AggregatorPacing(share, Duration.ofSeconds(1), gatewayHere, gateway);
    }

    @Test
    void aBusyGatewayLeavesEachConsumerItsShareOfTheWallClock() {
        gateway.callStarted();
        // share 0.25: a batch of 100 ms is followed by 300 ms of waiting, 25 % of the time on batches
        assertThat(pacing(0.25, true).pauseAfter(100 * MS)).isEqualTo(300 * MS);
        // share 0.5: as long waiting as working
        assertThat(pacing(0.5, true).pauseAfter(40 * MS)).isEqualTo(40 * MS);
    }

    @Test
    void theWaitIsCappedSoTheRollupsStayFresh() {
        gateway.callStarted();
        // 500 ms of batch would ask for 1.5 s of waiting; the cap is 1 s
        assertThat(pacing(0.25, true).pauseAfter(500 * MS)).isEqualTo(1_000 * MS);
    }

    @Test
    void aGatewayIdleForASecondNoLongerPaces() {
        AggregatorPacing p = pacing(0.25, true);
        assertThat(p.pauseAfter(100 * MS)).as("no call yet").isZero();
        gateway.callStarted();
        now.addAndGet(999 * MS);
        assertThat(p.pauseAfter(100 * MS)).as("a call 999 ms ago").isEqualTo(300 * MS);
        now.addAndGet(1 * MS);
        assertThat(p.pauseAfter(100 * MS)).as("the last call a second ago").isZero();
        gateway.callStarted();
        assertThat(p.pauseAfter(100 * MS)).as("busy again").isEqualTo(300 * MS);
    }

    @Test
    void anInstanceWithoutTheGatewayRoleIsNeverPaced() {
        gateway.callStarted();
        assertThat(pacing(0.25, false).pauseAfter(100 * MS)).isZero();
    }

    @Test
    void aShareOfOneTurnsThePacingOff() {
        gateway.callStarted();
        assertThat(pacing(1, true).pauseAfter(100 * MS)).isZero();
    }

    @Test
    void aShareOutsideZeroToOneStopsStartUpWithTheKeyNamed() {
        for (double bad : new double[] {0, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> pacing(bad, true))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("tally.aggregator.share-under-gateway-load");
        }
    }
}
