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
import dev.tally.platform.GatewayActivity;
import dev.tally.platform.TallyServices;

/**
 * An aggregator instance without the gateway role is never paced, even if something told it of
 * gateway calls: it has no gateway to yield to.
 */
@QuarkusTest
@TestProfile(AggregatorWithoutGatewayTest.AggregatorAndDashboard.class)
@WithTestResource(TallyServices.class)
class AggregatorWithoutGatewayTest {

    public static class AggregatorAndDashboard implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tally.roles", "aggregator,dashboard", "tally.aggregator.share-under-gateway-load", "0.25");
        }
    }

    @Inject
    AggregatorMetrics metrics;

    @Inject
    GatewayActivity gateway;

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
    void anInstanceWithoutTheGatewayRoleIsNotPacedWhateverTheActivitySignalSays() throws Exception {
        UUID team = UUID.randomUUID();
        UUID employee = UUID.randomUUID();
        long pacedBefore = metrics.pacedCount();
        int produced = 0;
        for (int round = 0; round < 4; round++) {
            gateway.callStarted(); // as a busy gateway in this JVM would
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
            gateway.callStarted(); // the signal stays "busy" for every batch of this stream
            return fx.requests(team) >= total;
        });
        assertThat(fx.requests(team)).isEqualTo(total);
        assertThat(metrics.pacedCount()).as("waits for a gateway").isEqualTo(pacedBefore);
    }
}
