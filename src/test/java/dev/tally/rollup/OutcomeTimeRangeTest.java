package dev.tally.rollup;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.time.Instant;
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

import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * An outcome dated where PostgreSQL has no date (year 0, before Christ, past year 9999) is refused where
 * it comes in, with its field named, and one that reaches Kafka anyway goes to the DLQ instead of
 * failing every batch it is in (which stopped the aggregator's partitions behind it for good).
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class OutcomeTimeRangeTest {

    private static final String ADMIN = "Bearer " + TallyServices.ADMIN_TOKEN;

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
    void theApiAndTheCsvImportRefuseAnOccurredAtOutsideTheCalendar() {
        UUID id = UUID.randomUUID();
        given().contentType("application/json")
                .header("Authorization", ADMIN)
                .body("{\"id\":\"range-" + id + "\",\"kind\":\"task_automated\","
                        + "\"occurredAt\":\"0000-06-01T00:00:00Z\"}")
                .post("/api/outcomes")
                .then()
                .statusCode(400)
                .body("detail", containsString("occurredAt"));
        given().contentType("text/csv")
                .header("Authorization", ADMIN)
                .body("id,kind,occurredAt,aiAssisted\nrange-" + id + ",task_automated,0000-06-01,true\n")
                .post("/api/outcomes/import")
                .then()
                .statusCode(400)
                .body("detail", containsString("row 2: occurredAt"));
    }

    @Test
    void anOutcomeOutsideTheCalendarGoesToTheDlqAndLaterOutcomesAreCounted() throws Exception {
        UUID team = UUID.randomUUID();
        RecordMetadata bad = fx.sendSync(
                Topics.OUTCOMES,
                team.toString(),
                RollupFixtures.JSON.writeValueAsBytes(RollupFixtures.outcomeEvent(
                        "range-" + UUID.randomUUID(),
                        team,
                        OutcomeData.TASK_AUTOMATED,
                        true,
                        Instant.parse("0000-06-01T00:00:00Z"))));
        fx.send(
                Topics.OUTCOMES,
                RollupFixtures.outcomeEvent(
                        "range-" + UUID.randomUUID(), team, OutcomeData.TASK_AUTOMATED, true, Instant.now()));
        fx.flush();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fx.outcomes(team) == 1);
        assertThat(fx.dlqEntries(bad, "occurredAt")).isEqualTo(1);
    }
}
