package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.tally.gateway.admission.RefusalReason;

/** The gateway's call count, which the aggregator's pacing samples, summed from its own counters. */
class GatewayMetricsCallsTest {

    private final GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry());

    @Test
    void countsEveryCallRecordedWhateverItsTeamModelOrOutcome() {
        assertThat(metrics.calls()).isZero();
        GatewayCalls.record(metrics, 3);
        metrics.record(GatewayCalls.call(UUID.randomUUID().toString(), "claude-haiku-4-5"), 1);
        metrics.record(GatewayCalls.call(UUID.randomUUID().toString(), null), 1);
        assertThat(metrics.calls()).isEqualTo(5);
    }

    @Test
    void countsCallsRefusedForWantOfAKeyWhichRecordNoUsage() {
        GatewayCalls.record(metrics, 2);
        metrics.unauthenticated(RefusalReason.MISSING_KEY, 401);
        metrics.unauthenticated(RefusalReason.INVALID_KEY, 401);
        metrics.unauthenticated(RefusalReason.INVALID_KEY, 401);
        assertThat(metrics.calls()).isEqualTo(5);
    }

    @Test
    void countsPastTheSeriesCapWhereModelsAreFoldedIntoOther() {
        String team = UUID.randomUUID().toString();
        for (int i = 0; i < 5_100; i++) {
            metrics.record(GatewayCalls.call(team, "model-" + i), 1);
        }
        assertThat(metrics.calls()).isEqualTo(5_100);
    }
}
