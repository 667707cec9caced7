package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.Access;
import dev.tally.demo.DemoHistory.SeededTeam;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class PagesTest {

    @Inject
    DataSource dataSource;

    static List<SeededTeam> teams;

    @BeforeEach
    void seed() {
        if (teams == null) {
            teams = DemoRollups.load(dataSource, 40, true);
        }
    }

    @Test
    void orgOverviewMarksTeamsThatReturnMoreThanTheySpend() {
        String html = Access.leader()
                .get("/?preset=30d")
                .then()
                .statusCode(200)
                .contentType("text/html")
                .extract()
                .asString();
        assertThat(html).contains("DEMO DATA");
        assertThat(html).contains("teams</strong> returned more value than they spent");
        // Platform (high AI-assisted PR rate) pays off, Data Science (heavy reasoning-model spend) does not.
        String platform = teams.get(0).id().toString();
        String dataScience = teams.get(3).id().toString();
        assertThat(rowOf(html, platform)).contains("class=\"pays\"").contains("Returns");
        assertThat(rowOf(html, dataScience)).contains("class=\"costs\"").contains("less than it spends");
        assertThat(html)
                .contains("/api/reports/org?format=csv&amp;table=teams")
                .contains("/charts/org/spend-vs-value.png");
        assertThat(html).contains("Customer Success").contains("Finance"); // non-engineering departments
    }

    @Test
    void aTeamWhoseValueBeatsOnlyItsPricedSpendGetsNoVerdictEitherWay() {
        // The demo's Finance team returns many times its priced spend, but some of its calls used the
        // unpriced in-house model: what those cost is unknown, so "returns more" cannot be said.
        String finance = teams.stream()
                .filter(t -> t.profile().name().equals("Finance"))
                .findFirst()
                .orElseThrow()
                .id()
                .toString();
        String html = Access.leader()
                .get("/?preset=30d")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(rowOf(html, finance))
                .contains("class=\"unsure\"")
                .contains("? Up to")
                .contains("calls unpriced")
                .contains("≤ ")
                .doesNotContain("Returns");
        assertThat(html).contains("more</strong> may have").contains("class=\"chip unsure\"");
        var metrics = Access.leader()
                .get("/api/reports/org?preset=30d")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .<String, Object>getMap("teams.find { it.id == '" + finance + "' }.metrics");
        assertThat(metrics)
                .containsEntry("pays_off", false)
                .containsEntry("may_pay_off", true)
                .containsEntry("spend_complete", false);
        String team = Access.leader()
                .get("/teams/" + finance + "?preset=30d")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(team).contains("verdict unsure").contains("of its calls used models without a price");
    }

    @Test
    void aTeamThatReturnsLessWithUnpricedCallsGivesItsMultipleAsABoundInTheHeadline() {
        RollupFixture f = new RollupFixture(dataSource);
        UUID team = f.team("Bound", "Engineering");
        UUID person = f.employees(team, 1).get(0);
        LocalDate day = LocalDate.parse("2026-06-10");
        // $1,000 priced spend, 3 calls of a model without a price, one bug caught ($300): 0.30× at most
        f.usage(day, team, person, "mystery-model", 4, 10, 10, 0, 1_000_000_000_000L, 3);
        f.outcome("bound-bug-" + team, day, team, person, "bug_caught", true, null, null, null, "bound#1");
        String html = Access.leader()
                .get("/teams/" + team + "?from=2026-06-01&to=2026-06-30")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(html)
                .contains("This team returned less than it spent (≤ 0.30×)")
                .doesNotContain("(0.30×)");
    }

    @Test
    void aTeamWhoseCallsAreAllUnpricedShowsNoZeroDollarSpendTile() {
        RollupFixture f = new RollupFixture(dataSource);
        UUID team = f.team("All unpriced", "Engineering");
        UUID person = f.employees(team, 1).get(0);
        f.usage(LocalDate.parse("2026-07-10"), team, person, "mystery-model", 2, 10, 10, 0, 0L, 2);
        String html = Access.leader()
                .get("/teams/" + team + "?from=2026-07-01&to=2026-07-31")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        int at = html.indexOf("kpi kpi-spend");
        String tile = html.substring(at, html.indexOf("kpi-change", at));
        assertThat(tile).contains("<div class=\"kpi-value\">unpriced</div>").doesNotContain("$0.00");
        assertThat(html).contains("+ 2 unpriced requests not in spend");
    }

    @Test
    void aFindingFlaggedAfterAPageWasShownIsOnItsNextView() {
        RollupFixture f = new RollupFixture(dataSource);
        UUID team = f.team("Flagged", "Engineering");
        UUID person = f.employees(team, 1).get(0);
        LocalDate day = LocalDate.parse("2026-08-10");
        f.usage(day, team, person, "gpt-4o", 1, 10, 10, 0, 1_000L, 0);
        String q = "?from=2026-08-01&to=2026-08-31";
        // as a browser does: the CSRF cookie comes back, so the page's frame (and its cached HTML) is the same
        String csrf =
                Access.leader().get("/" + q).then().statusCode(200).extract().cookie("tally-csrf");
        assertThat(reviews(page(csrf, "/" + q))).doesNotContain("flag-bot");
        assertThat(reviews(page(csrf, "/teams/" + team + q))).contains("No AI reviewer findings in this period.");
        // A flagged finding is worth nothing and has no count of its own: the period's report stays equal.
        f.outcome(
                "flagged-" + team,
                day,
                team,
                person,
                "bug_flagged",
                true,
                null,
                null,
                "[\"reviewer:flag-bot\"]",
                "o/r#1");
        assertThat(reviews(page(csrf, "/" + q))).contains("flag-bot");
        assertThat(reviews(page(csrf, "/teams/" + team + q)))
                .contains("flag-bot")
                .doesNotContain("No AI reviewer findings in this period.");
    }

    private static String page(String csrf, String path) {
        return Access.leader()
                .cookie("tally-csrf", csrf)
                .get(path)
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    private static String reviews(String html) {
        int at = html.indexOf("id=\"ai-review-findings\"");
        return html.substring(at, html.indexOf("</section>", at));
    }

    @Test
    void teamPageShowsPeopleModelsAndMergedPrsWithAttribution() {
        SeededTeam t = teams.get(0);
        String html = Access.leader()
                .get("/teams/" + t.id() + "?preset=30d")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(html)
                .contains("Platform")
                .contains(t.profile().models().get(0))
                .contains("Merged PRs and the attribution rules that fired")
                .contains("commit-trailer:Co-authored-by Claude")
                .contains("People")
                .contains("@example.test");
        assertThat(html).contains("/charts/team/spend-vs-value.png?from=").contains("team=" + t.id());
    }

    @Test
    void modelsAndOperationsPagesRender() {
        assertThat(Access.leader()
                        .get("/models")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("Cache-read share")
                .contains(">internal-llama-70b<")
                .contains("Unpriced requests");
        String ops = Access.leader()
                .get("/operations")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(ops).contains("Dead-letter queue").contains("Spool depth").contains("Pipeline lag");
        // The spool card says in words whether events wait, not only raw gauge names.
        assertThat(ops)
                .containsAnyOf("Kafka reachable: nothing waits", "Kafka unreachable: events wait", "no event spool");
    }

    @Test
    void aModelWithOnlyUnpricedUsageIsNeverShownAsZeroDollars() {
        String html = Access.leader()
                .get("/models?preset=30d")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        int at = html.indexOf(">internal-llama-70b<", html.indexOf("<table"));
        String row = html.substring(html.lastIndexOf("<tr", at), html.indexOf("</tr>", at));
        assertThat(row).contains(">unpriced<").doesNotContain("$0.00");
        // One row per model; the provider is a detail column (the demo's history, like its live calls, is "simulated").
        assertThat(row).contains(">simulated<");
    }

    @Test
    void unknownTeamIsAProblemNotAnError() {
        Access.leader()
                .get("/teams/00000000-0000-0000-0000-00000000abcd")
                .then()
                .statusCode(404);
        Access.leader().get("/teams/nope").then().statusCode(400);
    }

    private static String rowOf(String html, String teamId) {
        int at = html.indexOf("/teams/" + teamId + "?from", html.indexOf("<table"));
        int rowStart = html.lastIndexOf("<tr", at);
        int rowEnd = html.indexOf("</tr>", at);
        assertThat(at).as("team row " + teamId).isPositive();
        return html.substring(rowStart, rowEnd);
    }
}
