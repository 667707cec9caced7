package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;
import dev.tally.platform.TestStack;

/**
 * An outcome's severity is part of the key of the outcome rollups: one too long for their index (a
 * foreign producer's) goes to the DLQ with its reason instead of failing every batch that holds it.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class OutcomeSeverityTest {

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    RollupFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new RollupFixtures(dataSource);
        aggregator.start();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void aSeverityTooLongForTheRollupKeyGoesToTheDlqAndLaterOutcomesAreCounted() throws Exception {
        UUID team = UUID.randomUUID();
        StringBuilder severity = new StringBuilder();
        while (severity.length() < 8_000) {
            severity.append(UUID.randomUUID());
        }
        OutcomeData d = new OutcomeData(
                OutcomeData.SECURITY_FINDING,
                team.toString(),
                null,
                false,
                List.of("test"),
                "test",
                "ref",
                Instant.now(),
                severity.toString(),
                null);
        RecordMetadata bad = fx.sendSync(
                Topics.OUTCOMES,
                team.toString(),
                RollupFixtures.JSON.writeValueAsBytes(CloudEvent.of(
                        "sev-" + UUID.randomUUID(),
                        "/test/outcomes",
                        CloudEvent.OUTCOME_TYPE,
                        team.toString(),
                        Instant.now(),
                        d)));
        fx.send(
                Topics.OUTCOMES,
                RollupFixtures.outcomeEvent(
                        "sev-" + UUID.randomUUID(), team, OutcomeData.TASK_AUTOMATED, true, Instant.now()));
        fx.flush();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fx.outcomes(team) == 1);
        assertThat(fx.dlqEntries(bad, "data.severity")).isEqualTo(1);
    }
}
