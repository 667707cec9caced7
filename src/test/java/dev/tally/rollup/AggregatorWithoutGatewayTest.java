package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.gateway.GatewayCalls;
import dev.tally.gateway.GatewayMetrics;
import dev.tally.platform.TallyServices;

/**
 * An aggregator instance without the gateway role is never paced, even if the gateway's counters in
 * its JVM showed a busy gateway: it has no gateway to yield to.
 */
@QuarkusTest
@TestProfile(AggregatorWithoutGatewayTest.AggregatorAndDashboard.class)
@WithTestResource(TallyServices.class)
class AggregatorWithoutGatewayTest {

    public static class AggregatorAndDashboard implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tally.roles", "aggregator,dashboard");
        }
    }

    @Inject
    AggregatorMetrics metrics;

    @Inject
    GatewayMetrics gateway;

    @Inject
    AggregatorPacing pacing;

    @Inject
    DataSource dataSource;

    RollupFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new RollupFixtures(dataSource);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void anInstanceWithoutTheGatewayRoleIsNotPacedWhateverTheGatewaysCountersSay() throws Exception {
        awaitGatewayBusy();
        UUID team = UUID.randomUUID();
        UUID employee = UUID.randomUUID();
        long pacedBefore = metrics.pacedCount();
        int produced = 0;
        for (int round = 0; round < 4; round++) {
            busyGateway();
            for (int i = 0; i < 500; i++) {
                UsageData d =
                        RollupFixtures.usage(team, employee, "gpt-4o-mini", 10, 5, 0, 0, 1_000L, UsageData.OUTCOME_OK);
                fx.send(
                        Topics.USAGE,
                        RollupFixtures.usageEvent(UUID.randomUUID().toString(), Instant.now(), d));
                produced++;
            }
            fx.flush();
        }
        int total = produced;
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            busyGateway();
            return fx.requests(team) >= total;
        });
        awaitGatewayBusy(); // the rate stayed above the threshold while the batches ran
        assertThat(fx.requests(team)).isEqualTo(total);
        assertThat(metrics.pacedCount()).as("waits for a gateway").isEqualTo(pacedBefore);
    }

    /** 2,000 calls counted each time, far above the default 500 a second at Awaitility's pace. */
    private void busyGateway() {
        GatewayCalls.record(gateway, 2_000);
    }

    /** Until the pacing's own measure of the gateway's rate says busy (a window closes each second). */
    private void awaitGatewayBusy() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            busyGateway();
            return pacing.gatewayBusy();
        });
    }
}
