package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.identity.Team;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class ReportsApiTest {

    @Inject
    DataSource dataSource;

    static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    UUID team;
    List<UUID> people;
    String range;

    @BeforeEach
    void seed() {
        RollupFixture f = new RollupFixture(dataSource);
        team = f.team("Reports", "Engineering");
        people = f.employees(team, 3);
        LocalDate d = TODAY.minusDays(2);
        f.usage(d, team, people.get(0), "gpt-4o-mini", 10, 1000, 200, 300, 1_500_000_000L, 0);
        f.usage(d, team, people.get(1), "claude-sonnet-4", 5, 500, 100, 0, 2_250_000_001L, 0);
        f.usage(d, team, people.get(0), "gpt-4o-mini", 3, 10, 10, 0, 3L, 0); // upsert onto the first row
        f.usage(d, team, people.get(1), "mystery-model", 4, 40, 40, 0, 0L, 4); // unpriced
        f.usage(
                TODAY.minusDays(10),
                team,
                people.get(0),
                "gpt-4o-mini",
                2,
                10,
                10,
                0,
                1_000_000_000L,
                0); // previous period
        String p = "rep-" + team + "-";
        f.outcome(
                p + "pr1",
                d,
                team,
                people.get(0),
                "pr_merged",
                true,
                null,
                null,
                "[\"commit_trailer\",\"session_match\"]",
                "org/repo#1");
        f.outcome(p + "pr2", d, team, people.get(1), "pr_merged", true, null, null, "[\"label\"]", "org/repo#2");
        f.outcome(p + "pr3", d, team, people.get(1), "pr_merged", false, null, null, "[]", "org/repo#3");
        f.outcome(p + "bug", d, team, null, "bug_caught", true, null, null, null, null);
        f.outcome(p + "sec", d, team, null, "security_finding", true, "HIGH", null, null, null);
        f.outcome(p + "task", d, team, null, "task_automated", true, null, new BigDecimal("2.5"), null, null);
        range = "?from=" + TODAY.minusDays(6) + "&to=" + TODAY;
    }

    static final long SPEND = 1_500_000_000L + 3L + 2_250_000_001L;
    // 2 AI PRs × 2 h + 0 (PR without AI) + bug 3 h + high finding 8 h + task's own 2.5 h = 17.5 h × $100
    static final long VALUE = 1_750_000_000_000L;

    @Test
    void aCachedReportReflectsNewRollupsOnTheNextRequest() {
        String org = "/api/reports/org" + range;
        long before = teamSpend(
                Access.leader().get(org).then().statusCode(200).extract().jsonPath());
        assertThat(teamSpend(Access.leader()
                        .get(org)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()))
                .isEqualTo(before); // from the cache
        new RollupFixture(dataSource).usage(TODAY, team, people.get(2), "gpt-4o-mini", 1, 10, 10, 0, 7L, 0);
        // The write moved rollup_version in its own transaction: the very next request rebuilds, no waiting.
        JsonPath after =
                Access.leader().get(org).then().statusCode(200).extract().jsonPath();
        assertThat(teamSpend(after)).isEqualTo(before + 7);
        JsonPath t = Access.leader()
                .get("/api/reports/teams/" + team + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(t.getLong("totals.spend_nanos")).isEqualTo(SPEND + 7);
        assertThat(t.getLong("totals.active_users")).isEqualTo(3);
    }

    @Test
    void daysBeforeYesterdayComeFromTheHistorySumsAndALateWriteStillCountsAtOnce() {
        String t = "/api/reports/teams/" + team + range;
        JsonPath first = Access.leader().get(t).then().statusCode(200).extract().jsonPath();
        long spend = first.getLong("totals.spend_nanos");
        RollupFixture f = new RollupFixture(dataSource);
        // Yesterday: a new version, so the sums are read again.
        f.usage(TODAY.minusDays(1), team, people.get(2), "gpt-4o", 1, 10, 10, 0, 11L, 0);
        JsonPath recent =
                Access.leader().get(t).then().statusCode(200).extract().jsonPath();
        assertThat(recent.getLong("totals.spend_nanos")).isEqualTo(spend + 11);
        assertThat(recent.getLong("totals.active_users")).isEqualTo(3);
        // Four days ago: a late write moves the same version; nothing depends on how late it is.
        f.usage(TODAY.minusDays(4), team, people.get(2), "gpt-4o", 1, 10, 10, 0, 13L, 0);
        f.outcome(
                "rep-" + team + "-late-pr",
                TODAY.minusDays(5),
                team,
                people.get(2),
                "pr_merged",
                true,
                null,
                null,
                "[\"label\"]",
                "org/repo#9");
        JsonPath late = Access.leader().get(t).then().statusCode(200).extract().jsonPath();
        assertThat(late.getLong("totals.spend_nanos")).isEqualTo(spend + 11 + 13);
        assertThat(late.getLong("totals.prs_merged_ai")).isEqualTo(first.getLong("totals.prs_merged_ai") + 1);
        assertThat(late.getLong("daily.find { it.day == '" + TODAY.minusDays(4) + "' }.metrics.spend_nanos"))
                .isEqualTo(13);
        assertThat(late.getLong("daily.find { it.day == '" + TODAY.minusDays(1) + "' }.metrics.spend_nanos"))
                .isEqualTo(11);
        assertThat(late.getLong("models.find { it.model == 'gpt-4o' }.metrics.spend_nanos"))
                .isEqualTo(24);
        // The per-day series and the models add up to the totals across both parts.
        assertThat(late.getList("daily.metrics.spend_nanos", Long.class).stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(late.getLong("totals.spend_nanos"));
        assertThat(late.getList("models.metrics.spend_nanos", Long.class).stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .isEqualTo(late.getLong("totals.spend_nanos"));
    }

    @Test
    void aWriteForADayOverAMonthOldCountsAtOnceInBothPeriods() {
        String t = "/api/reports/teams/" + team + "?from=" + TODAY.minusDays(59) + "&to=" + TODAY;
        JsonPath first = Access.leader().get(t).then().statusCode(200).extract().jsonPath();
        RollupFixture f = new RollupFixture(dataSource);
        // 45 days back (the period) and 70 days back (the previous period): whole months of them come
        // from usage_team_month, which the same transaction wrote.
        f.usage(TODAY.minusDays(45), team, people.get(2), "gpt-4o", 1, 10, 10, 0, 17L, 0);
        f.usage(TODAY.minusDays(70), team, people.get(2), "gpt-4o", 1, 10, 10, 0, 19L, 0);
        JsonPath after = Access.leader().get(t).then().statusCode(200).extract().jsonPath();
        assertThat(after.getLong("totals.spend_nanos")).isEqualTo(first.getLong("totals.spend_nanos") + 17);
        assertThat(after.getLong("previousTotals.spend_nanos"))
                .isEqualTo(first.getLong("previousTotals.spend_nanos") + 19);
        assertThat(after.getLong("daily.find { it.day == '" + TODAY.minusDays(45) + "' }.metrics.spend_nanos"))
                .isEqualTo(17);
        // Once the sums are cached (the same figure twice), a second late write to the same month
        // counts on the very next request.
        long settled = Access.leader()
                .get(t)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("totals.spend_nanos");
        assertThat(Access.leader()
                        .get(t)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getLong("totals.spend_nanos"))
                .isEqualTo(settled);
        f.usage(TODAY.minusDays(45), team, people.get(1), "gpt-4o", 1, 10, 10, 0, 23L, 0);
        assertThat(Access.leader()
                        .get(t)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getLong("totals.spend_nanos"))
                .isEqualTo(settled + 23);
    }

    private long teamSpend(JsonPath org) {
        return org.getLong("teams.find { it.id == '" + team + "' }.metrics.spend_nanos");
    }

    @Test
    void teamReportTotalsFollowTheRoiModel() {
        JsonPath j = Access.leader()
                .get("/api/reports/teams/" + team + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(j.getLong("totals.spend_nanos")).isEqualTo(SPEND);
        assertThat(j.getLong("totals.value_nanos")).isEqualTo(VALUE);
        assertThat(j.getLong("totals.requests")).isEqualTo(22);
        assertThat(j.getLong("totals.unpriced_requests")).isEqualTo(4);
        assertThat(j.getLong("totals.active_users")).isEqualTo(2);
        assertThat(j.getLong("totals.employees")).isEqualTo(3);
        assertThat(j.getLong("totals.prs_merged")).isEqualTo(3);
        assertThat(j.getLong("totals.prs_merged_ai")).isEqualTo(2);
        assertThat(j.getFloat("totals.adoption")).isEqualTo(66.7f);
        assertThat(j.getLong("previousTotals.spend_nanos")).isEqualTo(1_000_000_000L);
        assertThat(j.getFloat("changes.spend")).isEqualTo(275.0f);
        assertThat(j.getList("mergedPrs.attribution")).contains(List.of("commit_trailer", "session_match"));
        assertThat(j.getBoolean("period.toInclusive")).isTrue();
    }

    @Test
    void csvTotalsEqualJsonTotals() {
        JsonPath org = Access.leader()
                .get("/api/reports/org" + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        Map<String, Object> row = org.getMap("teams.find { it.id == '" + team + "' }.metrics");
        assertThat(((Number) row.get("spend_nanos")).longValue()).isEqualTo(SPEND);

        String employees = Access.leader()
                .get("/api/reports/teams/" + team + range + "&format=csv&table=employees")
                .then()
                .statusCode(200)
                .contentType("text/csv")
                .extract()
                .asString();
        assertThat(sumColumn(employees, "spend_usd", false)).isEqualTo(usd(SPEND));
        assertThat(sumColumn(employees, "spend_usd", true)).isEqualTo(usd(SPEND));

        String daily = Access.leader()
                .get("/api/reports/teams/" + team + range + "&format=csv&table=daily")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(sumColumn(daily, "spend_usd", false)).isEqualTo(usd(SPEND));
        assertThat(sumColumn(daily, "value_usd", false)).isEqualTo(usd(VALUE));

        String teams = Access.leader()
                .get("/api/reports/org" + range + "&format=csv&table=teams")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String line = Arrays.stream(teams.split("\r\n"))
                .filter(l -> l.contains(team.toString()))
                .findFirst()
                .orElseThrow();
        assertThat(line)
                .contains(usd(SPEND).toPlainString())
                .contains(usd(VALUE).toPlainString());
        String teamsTotal = Arrays.stream(teams.split("\r\n"))
                .filter(l -> l.startsWith("TOTAL"))
                .findFirst()
                .orElseThrow();
        assertThat(sumColumn(teams, "spend_usd", false)).isEqualTo(column(teams, teamsTotal, "spend_usd"));
        assertThat(org.getLong("totals.spend_nanos"))
                .isEqualTo(
                        column(teams, teamsTotal, "spend_usd").movePointRight(9).longValueExact());
    }

    @Test
    void outcomesOfNoTeamShowUnderUnassigned() {
        new RollupFixture(dataSource)
                .outcome(
                        "rep-unassigned-" + team,
                        TODAY.minusDays(1),
                        Team.UNASSIGNED,
                        null,
                        "bug_caught",
                        true,
                        null,
                        null,
                        null,
                        null);
        JsonPath org = Access.leader()
                .get("/api/reports/org" + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(org.getLong("teams.find { it.name == 'Unassigned' }.metrics.bugs_caught"))
                .isPositive();
    }

    @Test
    void aPanelOfTheDashboardIsAlsoACsvTable() {
        String csv = Access.leader()
                .get("/api/reports/teams/" + team + range + "&format=csv&table=merged-prs")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(csv)
                .startsWith("merged_at,ref,author,ai_assisted,attribution")
                .contains("commit_trailer;session_match");
    }

    @Test
    void badInputGetsAPreciseProblem() {
        Access.leader()
                .get("/api/reports/org?from=2025-13-01")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        Access.leader()
                .get("/api/reports/org?from=2025-02-01&to=2025-01-01")
                .then()
                .statusCode(400);
        Access.leader().get("/api/reports/org?preset=week").then().statusCode(400);
        Access.leader().get("/api/reports/org?format=xml").then().statusCode(400);
        Access.leader().get("/api/reports/org?format=csv&table=nope").then().statusCode(400);
        Access.leader().get("/api/reports/teams/not-a-uuid").then().statusCode(400);
        Access.leader().get("/api/reports/teams/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void aDateOutsideTheCalendarIsA400NamingTheParameter() {
        // PostgreSQL has no year 0 and no year past 5874897; the reports take the events' calendar
        for (String report : List.of("org", "teams", "teams/" + team, "models")) {
            for (String[] c : new String[][] {
                {"from", "0000-01-01", "0000-01-31"},
                {"from", "-0001-06-01", "0001-01-31"},
                {"to", null, "0000-01-31"},
                {"from", "9999-06-01", "9999-06-30"},
                {"to", "2026-01-01", "+10000-01-01"},
                {"to", null, "+999999999-12-31"}
            }) {
                var request = Access.leader();
                if (c[1] != null) {
                    request = request.queryParam("from", c[1]);
                }
                String detail = request.queryParam("to", c[2])
                        .get("/api/reports/" + report)
                        .then()
                        .statusCode(400)
                        .contentType("application/problem+json")
                        .extract()
                        .jsonPath()
                        .getString("detail");
                String value = c[0].equals("from") ? c[1] : c[2];
                assertThat(detail)
                        .as(report + " " + Arrays.toString(c))
                        .isEqualTo(c[0] + ": '" + value + "' is outside the calendar (1970-01-01 to 9998-12-31)");
            }
        }
    }

    static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos).movePointLeft(9);
    }

    /** Sum of a CSV column over the data rows (or the TOTAL row's value). */
    static BigDecimal sumColumn(String csv, String column, boolean totalRow) {
        String[] lines = csv.split("\r\n");
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 1; i < lines.length; i++) {
            boolean isTotal = lines[i].startsWith("TOTAL");
            if (isTotal == totalRow) {
                BigDecimal v = column(csv, lines[i], column);
                sum = sum.add(v);
            }
        }
        return sum;
    }

    static BigDecimal column(String csv, String line, String column) {
        List<String> header = Arrays.asList(csv.split("\r\n")[0].split(","));
        int idx = header.indexOf(column);
        assertThat(idx).as("column " + column).isNotNegative();
        String v = line.split(",", -1)[idx];
        return v.isEmpty() ? BigDecimal.ZERO : new BigDecimal(v);
    }
}
