package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.Access;
import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;
import dev.tally.outcomes.ValueHours;
import dev.tally.platform.TestStack;

/**
 * Outcomes whose self-reported hours are each within the rule ({@link ValueHours#MAX}) but whose sum, or
 * value in money, is past what a rollup column or a nano-dollar long holds: what an {@code outcomes:write}
 * caller, careless or hostile, can send. Neither the aggregator nor the dashboards may stop over them.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class OutcomeValueLimitsTest {

    /** A day of their own, so that the org's totals other tests read are not these. */
    private static final Instant DAY = Instant.parse("2001-02-03T12:00:00Z");

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
    void moreMaximalHoursInOneDayThanTheOldRollupColumnHeldAreStillRolledUp() throws Exception {
        UUID team = UUID.randomUUID();
        Instant at = DAY;
        // numeric(16,3) held 9,999,999,999,999.999 hours: 10,001 outcomes of the largest valueHours pass it
        int n = 10_001;
        for (int i = 0; i < n; i++) {
            fx.send(Topics.OUTCOMES, outcome(team, at, ValueHours.MAX));
        }
        fx.send(Topics.OUTCOMES, outcome(team, at, BigDecimal.ONE));
        fx.flush();
        Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> fx.outcomes(team) == n + 1);
        assertThat(fx.scalarDecimal("SELECT sum(explicit_hours) FROM outcome_team_day WHERE team_id = ?", team))
                .isEqualByComparingTo(
                        ValueHours.MAX.multiply(BigDecimal.valueOf(n)).add(BigDecimal.ONE));
    }

    @Test
    void anOutcomeWorthMoreThanANanoDollarLongHoldsLeavesTheDashboardsServing() throws Exception {
        UUID team = UUID.fromString(Access.newTeam("Huge value " + UUID.randomUUID(), "Value"));
        // 999,999,999.999 hours at the ROI model's $100 an hour is about $10^11: past Long.MAX_VALUE nano-dollars
        fx.send(Topics.OUTCOMES, outcome(team, DAY, ValueHours.MAX));
        fx.flush();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fx.outcomes(team) == 1);
        long value = Access.leader()
                .queryParam("from", "2001-02-03")
                .queryParam("to", "2001-02-03")
                .get("/api/reports/org")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("teams.find { it.id == '" + team + "' }.metrics.value_nanos");
        assertThat(value).isEqualTo(Long.MAX_VALUE);
        Access.leader().get("/?from=2001-02-03&to=2001-02-03").then().statusCode(200);
        Access.leader()
                .get("/teams/" + team + "?from=2001-02-03&to=2001-02-03")
                .then()
                .statusCode(200);
    }

    private static CloudEvent<OutcomeData> outcome(UUID team, Instant at, BigDecimal hours) {
        String id = "hours-" + UUID.randomUUID();
        OutcomeData d = new OutcomeData(
                OutcomeData.TASK_AUTOMATED, team.toString(), null, true, List.of("test"), "test", id, at, null, hours);
        return CloudEvent.of(id, "/test/outcomes", CloudEvent.OUTCOME_TYPE, team.toString(), Instant.now(), d);
    }
}
