package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
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
 * The org report caches each month's rollups under that month's version and the teams and people under
 * the identity version, both in PostgreSQL (docs/rollups.md): a write for an earlier month, a rename or
 * a new member made by anyone (here: plain SQL in a transaction of its own, as another instance would)
 * shows on the very next request, and the org's figures for a team equal the team report's, which is
 * read straight from the rollups.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ReportVersionsTest {

    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

    @Inject
    DataSource dataSource;

    UUID team;
    List<UUID> people;
    String range;

    @BeforeEach
    void seed() {
        RollupFixture f = new RollupFixture(dataSource);
        team = f.team("Versions", "Engineering");
        people = f.employees(team, 3);
        f.usage(TODAY.minusDays(2), team, people.get(0), "gpt-4o", 3, 100, 10, 0, 1_000_000_001L, 0);
        f.usage(TODAY.minusDays(40), team, people.get(1), "mystery-model", 2, 50, 5, 0, 0L, 2); // unpriced
        f.usage(TODAY.minusDays(100), team, people.get(0), "gpt-4o", 1, 10, 1, 0, 5L, 0); // previous period
        f.outcome(
                "ver-" + team + "-pr1",
                TODAY.minusDays(40),
                team,
                people.get(1),
                "pr_merged",
                true,
                null,
                null,
                "[\"label\"]",
                "org/repo#1");
        f.outcome(
                "ver-" + team + "-task",
                TODAY.minusDays(70),
                team,
                null,
                "task_automated",
                true,
                null,
                new BigDecimal("0.3333"),
                null,
                null);
        range = "?from=" + TODAY.minusDays(89) + "&to=" + TODAY;
    }

    private JsonPath org() {
        return Access.leader()
                .get("/api/reports/org" + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private String row(String field) {
        return "teams.find { it.id == '" + team + "' }." + field;
    }

    @Test
    void aWriteForAnEarlierMonthShowsOnTheNextRequest() {
        JsonPath first = org();
        assertThat(first.getLong(row("metrics.spend_nanos"))).isEqualTo(1_000_000_001L);
        assertThat(first.getLong(row("metrics.unpriced_requests"))).isEqualTo(2);
        assertThat(first.getLong(row("previous.spend_nanos"))).isEqualTo(5);
        assertThat(org().getMap(row("metrics"))).isEqualTo(first.getMap(row("metrics"))); // from the caches
        String sixtyDaysBack = "daily.find { it.day == '" + TODAY.minusDays(60) + "' }.metrics.spend_nanos";
        long orgThatDay = first.getLong(sixtyDaysBack);

        RollupFixture f = new RollupFixture(dataSource);
        // Today first: the current month is read again, the earlier ones stay cached.
        f.usage(TODAY, team, people.get(0), "gpt-4o", 1, 10, 1, 0, 7L, 0);
        assertThat(org().getLong(row("metrics.spend_nanos"))).isEqualTo(1_000_000_008L);
        // Then sixty days back (an earlier, cached month of the period) by someone not active yet, with a PR.
        f.usage(TODAY.minusDays(60), team, people.get(2), "gpt-4o", 1, 10, 1, 0, 17L, 0);
        f.outcome(
                "ver-" + team + "-pr2",
                TODAY.minusDays(60),
                team,
                people.get(2),
                "pr_merged",
                true,
                null,
                null,
                "[\"label\"]",
                "org/repo#2");
        JsonPath after = org();
        assertThat(after.getLong(row("metrics.spend_nanos"))).isEqualTo(1_000_000_025L);
        assertThat(after.getLong(row("metrics.active_users"))).isEqualTo(3);
        assertThat(after.getLong(row("metrics.prs_merged_ai"))).isEqualTo(2);
        assertThat(after.getLong(sixtyDaysBack)).isEqualTo(orgThatDay + 17);
        // And the previous period's months, too.
        f.usage(TODAY.minusDays(120), team, people.get(1), "gpt-4o", 1, 10, 1, 0, 19L, 0);
        after = org();
        assertThat(after.getLong(row("previous.spend_nanos"))).isEqualTo(24);
        assertThat(after.getLong(row("previous.active_users"))).isEqualTo(2);

        // Summed from cached months or read straight from the rollups: the same figures, field by field.
        JsonPath direct = Access.leader()
                .get("/api/reports/teams/" + team + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(after.getMap(row("metrics"))).isEqualTo(direct.getMap("totals"));
        assertThat(after.getMap(row("previous"))).isEqualTo(direct.getMap("previousTotals"));
    }

    @Test
    void aRenameAndANewMemberShowOnTheNextRequest() {
        RollupFixture f = new RollupFixture(dataSource);
        JsonPath first = org();
        String name = first.getString(row("name"));
        assertThat(first.getLong(row("metrics.employees"))).isEqualTo(3);
        assertThat(org().getString(row("name"))).isEqualTo(name); // from the cache

        f.exec("UPDATE team SET name = ? WHERE id = ?", name + " renamed", team);
        JsonPath renamed = org();
        assertThat(renamed.getString(row("name"))).isEqualTo(name + " renamed");
        assertThat(Access.leader()
                        .get("/api/reports/teams/" + team + range)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getString("team.name"))
                .isEqualTo(name + " renamed");

        UUID newcomer = UUID.randomUUID();
        f.exec(
                "INSERT INTO employee (id, email, name, team_id) VALUES (?, ?, ?, ?)",
                newcomer,
                newcomer + "@example.test",
                "Newcomer",
                team);
        assertThat(org().getLong(row("metrics.employees"))).isEqualTo(4);
        // one who leaves was still a member today, so in this period
        f.exec("DELETE FROM employee WHERE id = ?", newcomer);
        assertThat(org().getLong(row("metrics.employees"))).isEqualTo(4);
        // a correction of the membership history by hand (they never were) shows on the next request too
        f.exec("DELETE FROM team_membership WHERE employee_id = ?", newcomer);
        assertThat(org().getLong(row("metrics.employees"))).isEqualTo(3);
    }
}
