package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.dashboard.RollupFixture;
import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TestStack;

/**
 * A producer other than Tally's gateway may name a team that is not (or no longer) in the {@code team}
 * table. Its money is still spent: the org report shows it as an unknown team, so the totals equal the
 * sum of the teams shown and of the days.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class UnknownTeamReportTest {

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    @Test
    void usageOfATeamNotInTheTeamTableIsInTheOrgTotalsAsAnUnknownTeam() {
        aggregator.start();
        RollupFixture f = new RollupFixture(dataSource);
        UUID known = f.team("Known", "Engineering");
        UUID unknown = UUID.randomUUID();
        // April 2018: a month no other test writes, so the org's figures of the period are this test's alone
        Instant day = Instant.parse("2018-04-10T12:00:00Z");
        try (RollupFixtures fx = new RollupFixtures(dataSource)) {
            for (Object[] call : new Object[][] {{known, 1_000L}, {unknown, 20_000L}}) {
                UsageData d = RollupFixtures.usage(
                        (UUID) call[0], UUID.randomUUID(), "gpt-4o", 10, 5, 0, 0, (Long) call[1], "ok");
                fx.send(
                        Topics.USAGE,
                        RollupFixtures.usageEvent(UUID.randomUUID().toString(), day, d));
            }
            fx.flush();
        }
        String period = "/api/reports/org?from=2018-04-01&to=2018-04-30";
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> org(period).getLong("daily.find { it.day == '2018-04-10' }.metrics.requests") == 2);

        JsonPath org = org(period);
        assertThat(org.getLong("daily.find { it.day == '2018-04-10' }.metrics.spend_nanos"))
                .isEqualTo(21_000);
        assertThat(org.getLong("totals.spend_nanos")).isEqualTo(21_000);
        assertThat(org.getLong("totals.requests")).isEqualTo(2);
        assertThat(org.getLong("totals.input_tokens")).isEqualTo(20);
        assertThat(sum(org.getList("teams.metrics.spend_nanos"))).isEqualTo(21_000);
        assertThat(sum(org.getList("departments.metrics.spend_nanos"))).isEqualTo(21_000);
        String row = "teams.find { it.id == '" + unknown + "' }";
        assertThat(org.getString(row + ".name"))
                .isEqualTo("(unknown team " + unknown.toString().substring(0, 8) + ")");
        assertThat(org.getString(row + ".department")).isEqualTo("(unknown)");
        assertThat(org.getLong(row + ".metrics.spend_nanos")).isEqualTo(20_000);
        assertThat(org.getLong(row + ".metrics.requests")).isEqualTo(1);
        assertThat(org.getLong("teams.find { it.id == '" + known + "' }.metrics.spend_nanos"))
                .isEqualTo(1_000);
    }

    /**
     * The refused-calls and AI reviewers tables of the org page name a team the {@code team} table does not
     * hold as the teams table does, and do not link it to a team page (there is none: 404); their CSVs
     * carry the same name. A known team keeps its link.
     */
    @Test
    void refusalsAndReviewerFindingsOfATeamNotInTheTeamTableNameItAsAnUnknownTeamWithoutALink() {
        aggregator.start();
        RollupFixture f = new RollupFixture(dataSource);
        UUID known = f.team("Known Tables", "Engineering");
        UUID unknown = UUID.randomUUID();
        String unknownName = "(unknown team " + unknown.toString().substring(0, 8) + ")";
        // May 2018: a month no other test writes
        Instant day = Instant.parse("2018-05-10T12:00:00Z");
        try (RollupFixtures fx = new RollupFixtures(dataSource)) {
            for (UUID team : List.of(known, unknown)) {
                UsageData refused = new UsageData(
                        UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(),
                        null,
                        team.toString(),
                        null,
                        null,
                        "chat.completions",
                        false,
                        403,
                        "rejected",
                        0,
                        0,
                        0,
                        0,
                        0,
                        null,
                        false,
                        false,
                        1,
                        null,
                        null,
                        "revoked",
                        null,
                        null,
                        null);
                fx.send(
                        Topics.USAGE,
                        RollupFixtures.usageEvent(UUID.randomUUID().toString(), day, refused));
                String id = UUID.randomUUID().toString();
                OutcomeData flagged = new OutcomeData(
                        OutcomeData.BUG_FLAGGED,
                        team.toString(),
                        null,
                        true,
                        List.of("ai-reviewer:coderabbitai[bot]", "reviewer:coderabbit"),
                        "test",
                        "ref-" + id,
                        day,
                        null,
                        null);
                fx.send(
                        Topics.OUTCOMES,
                        CloudEvent.of(id, "/test/outcomes", CloudEvent.OUTCOME_TYPE, team.toString(), day, flagged));
            }
            fx.flush();
        }
        String period = "?from=2018-05-01&to=2018-05-31";
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() ->
                        org("/api/reports/refusals" + period).getList("rows").size() == 2
                                && org("/api/reports/reviewers" + period)
                                                .getList("rows")
                                                .size()
                                        == 2);

        String html = Access.leader()
                .get("/" + period)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String refusals = section(html, "id=\"refused-calls\"");
        String reviewers = section(html, "id=\"ai-review-findings\"");
        for (String table : List.of(refusals, reviewers)) {
            assertThat(table).contains("<td>" + unknownName + "</td>");
            assertThat(table).doesNotContain("/teams/" + unknown);
            assertThat(table)
                    .contains("<a href=\"/teams/" + known + "?from=2018-05-01&amp;to=2018-05-31\">Known Tables");
        }
        for (String report : List.of("/api/reports/refusals", "/api/reports/reviewers")) {
            String row = "rows.find { it.teamId == '" + unknown + "' }";
            assertThat(org(report + period).getString(row + ".team")).isEqualTo(unknownName);
            assertThat(org(report + period).getMap(row)).doesNotContainKey("teamKnown");
        }
        for (String csv : List.of("/api/reports/refusals", "/api/reports/reviewers")) {
            String body = Access.leader()
                    .get(csv + period + "&format=csv")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(body).contains(unknown + "," + unknownName + ",");
            assertThat(body).contains(known + ",Known Tables");
        }
    }

    /** The HTML from the element with {@code marker} to the end of its section. */
    private static String section(String html, String marker) {
        int start = html.indexOf(marker);
        assertThat(start).as(marker).isGreaterThanOrEqualTo(0);
        return html.substring(start, html.indexOf("</section>", start));
    }

    private static JsonPath org(String url) {
        return Access.leader().get(url).then().statusCode(200).extract().jsonPath();
    }

    private static long sum(List<Number> values) {
        return values.stream().mapToLong(Number::longValue).sum();
    }
}
