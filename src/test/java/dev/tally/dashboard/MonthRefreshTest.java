package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.platform.TestStack;

/**
 * A month the org report holds is brought up to date by re-reading only the teams the aggregator marked
 * with a later version ({@code rollup_team_month_version}) and the month's org-wide rows; the delivery
 * trend's AI users come from the same months (docs/rollups.md). Each write shows on the very next
 * request, the other teams keep their figures, and the org's figures for a team equal the team report's,
 * read straight from the rollups. Without the marks, a write would leave its team's figures stale.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class MonthRefreshTest {

    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    static final String RANGE = "?from=" + TODAY.minusDays(13) + "&to=" + TODAY;

    @Inject
    DataSource dataSource;

    UUID a;
    UUID b;
    List<UUID> ofA;
    List<UUID> ofB;

    @BeforeEach
    void seed() {
        RollupFixture f = new RollupFixture(dataSource);
        a = f.team("Refresh A", "Engineering");
        b = f.team("Refresh B", "Engineering");
        ofA = f.employees(a, 3);
        ofB = f.employees(b, 2);
        f.usage(TODAY, a, ofA.get(0), "gpt-4o", 1, 100, 10, 0, 100L, 0);
        f.usage(TODAY, b, ofB.get(0), "gpt-4o", 1, 100, 10, 0, 200L, 0);
    }

    private static JsonPath get(String path) {
        return Access.leader()
                .get(path + RANGE)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static String row(UUID team, String field) {
        return "teams.find { it.id == '" + team + "' }." + field;
    }

    /** People with gateway calls in the trend's last week (window 0, ending today). */
    private static int aiUsersThisWeek(JsonPath report) {
        List<Integer> weeks = report.getList("deliveryDetail.trend.aiUsers", Integer.class);
        return weeks.get(weeks.size() - 1);
    }

    @Test
    void aWriteForOneTeamShowsOnTheNextRequestAndTheOtherTeamKeepsItsFigures() {
        JsonPath first = get("/api/reports/org");
        assertThat(first.getLong(row(a, "metrics.spend_nanos"))).isEqualTo(100);
        assertThat(first.getLong(row(a, "metrics.active_users"))).isEqualTo(1);
        assertThat(first.getLong(row(b, "metrics.spend_nanos"))).isEqualTo(200);
        assertThat(aiUsersThisWeek(get("/api/reports/teams/" + a))).isEqualTo(1);
        int orgAiUsers = aiUsersThisWeek(get("/api/reports/org")); // the month is cached from here on
        long orgSpend = first.getLong("totals.spend_nanos");

        RollupFixture f = new RollupFixture(dataSource);
        f.usage(TODAY, a, ofA.get(1), "gpt-4o", 1, 100, 10, 0, 30L, 0);
        JsonPath after = get("/api/reports/org");
        assertThat(after.getLong(row(a, "metrics.spend_nanos"))).isEqualTo(130);
        assertThat(after.getLong(row(a, "metrics.active_users"))).isEqualTo(2);
        assertThat(after.getMap(row(b, "metrics"))).isEqualTo(first.getMap(row(b, "metrics")));
        assertThat(after.getLong("totals.spend_nanos")).isEqualTo(orgSpend + 30);
        assertThat(aiUsersThisWeek(after)).isEqualTo(orgAiUsers + 1);
        assertThat(aiUsersThisWeek(get("/api/reports/teams/" + a))).isEqualTo(2);

        // Then the other team, in the month now held at the later version.
        f.usage(TODAY, b, ofB.get(1), "o3", 2, 100, 10, 0, 0L, 2); // unpriced: kept apart, never $0
        after = get("/api/reports/org");
        assertThat(after.getLong(row(b, "metrics.spend_nanos"))).isEqualTo(200);
        assertThat(after.getLong(row(b, "metrics.unpriced_requests"))).isEqualTo(2);
        assertThat(after.getLong(row(b, "metrics.active_users"))).isEqualTo(2);
        assertThat(after.getLong(row(a, "metrics.spend_nanos"))).isEqualTo(130);
        assertThat(aiUsersThisWeek(after)).isEqualTo(orgAiUsers + 2);

        // Brought up to date or read straight from the rollups: the same figures, field by field.
        for (UUID team : List.of(a, b)) {
            JsonPath direct = get("/api/reports/teams/" + team);
            assertThat(after.getMap(row(team, "metrics"))).isEqualTo(direct.getMap("totals"));
            assertThat(after.getMap(row(team, "previous"))).isEqualTo(direct.getMap("previousTotals"));
        }
    }
}
