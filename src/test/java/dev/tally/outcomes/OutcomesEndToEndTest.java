package dev.tally.outcomes;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.Access;
import dev.tally.outcomes.github.WebhookSignature;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

/**
 * What a new user does, end to end through the real broker, aggregator and database: sets up a team
 * and an employee with a GitHub login through the admin API, has GitHub post a signed merged-PR
 * delivery whose commit carries a {@code Co-Authored-By: Claude} trailer, and finds the PR counted
 * once as AI-assisted on that team with the rule that fired — in the rollups, the reports API and on
 * the team page; uploads the same SARIF twice and finds each finding once.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class OutcomesEndToEndTest {

    private static final String ADMIN = "Bearer " + TallyServices.ADMIN_TOKEN;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DataSource ds;

    @Test
    void aSignedMergedPrWithAClaudeTrailerIsCountedOnceAsAiAssistedOnTheAuthorsTeam() throws Exception {
        String teamId = given().contentType("application/json")
                .header("Authorization", ADMIN)
                .body(Map.of(
                        "name",
                        "E2E Checkout " + UUID.randomUUID().toString().substring(0, 6),
                        "department",
                        "Engineering"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String employeeId = given().contentType("application/json")
                .header("Authorization", ADMIN)
                .body(Map.of(
                        "email",
                        "e2e-grace@example.com",
                        "name",
                        "Grace E2E",
                        "teamId",
                        teamId,
                        "githubLogin",
                        "e2e-grace"))
                .post("/api/admin/employees")
                .then()
                .statusCode(201)
                .extract()
                .path("id");

        String mergedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        byte[] body = OutcomeTestData.mergedPr("acme-outcomes/e2e-repo", 120, "e2e-grace", mergedAt)
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        String delivery = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) { // GitHub redelivers: the second is a duplicate
            given().contentType("application/json")
                    .header("X-GitHub-Event", "pull_request")
                    .header("X-GitHub-Delivery", delivery)
                    .header(WebhookSignature.HEADER, new WebhookSignature(FakeGitHubApi.WEBHOOK_SECRET).sign(body))
                    .body(body)
                    .post("/api/webhooks/github")
                    .then()
                    .statusCode(i == 0 ? 202 : 200);
        }
        given().contentType("application/json")
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header(WebhookSignature.HEADER, new WebhookSignature("forged").sign(body))
                .body(body)
                .post("/api/webhooks/github")
                .then()
                .statusCode(401);

        String id = "github:pr:acme-outcomes/e2e-repo#120";
        Map<String, Object> row = awaitOutcome(id);
        assertThat(row.get("team_id")).isEqualTo(UUID.fromString(teamId));
        assertThat(row.get("employee_id")).isEqualTo(UUID.fromString(employeeId));
        assertThat(row.get("kind")).isEqualTo("pr_merged");
        assertThat(row.get("ai_assisted")).isEqualTo(true);
        List<String> attribution = JSON.readValue(
                (String) row.get("attribution"),
                JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(attribution).containsExactly("trailer:Co-Authored-By: Claude");
        assertThat(row.get("ref")).isEqualTo("https://github.com/acme-outcomes/e2e-repo/pull/120");

        LocalDate day = LocalDate.parse(mergedAt.substring(0, 10));
        assertThat(dailyOutcomes(UUID.fromString(teamId), day, "pr_merged", true))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM outcome WHERE id = '" + id + "'"))
                .isEqualTo(1);

        // the reports API lists the PR once, with the evidence
        List<Map<String, Object>> prs = Access.leader()
                .get("/api/reports/teams/" + teamId)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("mergedPrs");
        assertThat(prs).singleElement().satisfies(pr -> {
            assertThat(pr.get("id")).isEqualTo(id);
            assertThat(pr.get("aiAssisted")).isEqualTo(true);
            assertThat(pr.get("attribution")).isEqualTo(List.of("trailer:Co-Authored-By: Claude"));
            assertThat(pr.get("employee")).isEqualTo("Grace E2E");
        });

        // and the team page shows it as AI-assisted with the rule that fired, as a leader sees it
        String html = Access.leader()
                .accept("text/html")
                .get("/teams/" + teamId)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Matcher prRow = Pattern.compile(
                        "<tr[^>]*>((?:(?!</tr>).)*e2e-repo/pull/120(?:(?!</tr>).)*)</tr>", Pattern.DOTALL)
                .matcher(html);
        assertThat(prRow.find()).as("a row for the PR on the team page").isTrue();
        assertThat(prRow.group(1))
                .contains("<td class=\"ai\">yes</td>")
                .contains("trailer:Co-Authored-By: Claude")
                .contains("Grace E2E");
        assertThat(prRow.find()).as("the PR is listed once").isFalse();
    }

    @Test
    void theSameSarifUploadedTwiceIsCountedOnce() throws Exception {
        UUID team = OutcomeTestData.team(ds, FakeGitHubApi.E2E_TEAM);
        byte[] sarif = OutcomeTestData.bytes("sarif/codeql.sarif.json");
        List<String> ids = null;
        for (int i = 0; i < 2; i++) {
            ids = given().contentType("application/sarif+json")
                    .header("Authorization", ADMIN)
                    .queryParam("repo", "e2e-org/orders")
                    .body(sarif)
                    .post("/api/outcomes/sarif")
                    .then()
                    .statusCode(200)
                    .body("findings", equalTo(3))
                    .extract()
                    .jsonPath()
                    .getList("ids", String.class);
        }
        // A later upload for the same team travels the same partition: once it is counted, both
        // earlier uploads have been consumed too.
        String marker = given().contentType("application/sarif+json")
                .header("Authorization", ADMIN)
                .queryParam("repo", "e2e-org/orders")
                .body(OutcomeTestData.bytes("sarif/ai-review.sarif.json"))
                .post("/api/outcomes/sarif")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("ids", String.class)
                .get(0);
        awaitOutcome(marker);

        for (String id : ids) {
            assertThat(count("SELECT count(*) FROM outcome WHERE id = '" + id + "'"))
                    .as(id)
                    .isEqualTo(1);
            // both uploads did put the finding on Kafka; the aggregator kept one
            Awaitility.await("two copies of " + id + " on Kafka")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> OutcomeTopic.count(id) == 2);
        }
        assertThat(dailyOutcomes(team, LocalDate.parse("2026-11-20"), "security_finding", false))
                .isEqualTo(3);
        assertThat(count("SELECT count(*) FROM outcome WHERE team_id = '" + team
                        + "' AND kind = 'security_finding' AND severity = 'high'"))
                .isEqualTo(1);
    }

    private Map<String, Object> awaitOutcome(String id) {
        Awaitility.await("outcome " + id + " in the outcome table")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> count("SELECT count(*) FROM outcome WHERE id = '" + id.replace("'", "''") + "'") == 1);
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT id, kind, team_id, employee_id, ai_assisted, attribution::text AS attribution, ref FROM outcome WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Map.of(
                        "kind",
                        rs.getString("kind"),
                        "team_id",
                        rs.getObject("team_id", UUID.class),
                        "employee_id",
                        rs.getObject("employee_id") == null ? "" : rs.getObject("employee_id", UUID.class),
                        "ai_assisted",
                        rs.getBoolean("ai_assisted"),
                        "attribution",
                        rs.getString("attribution"),
                        "ref",
                        rs.getString("ref") == null ? "" : rs.getString("ref"));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private long dailyOutcomes(UUID team, LocalDate day, String kind, boolean ai) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(outcomes), 0) FROM outcome_team_day WHERE team_id = ? AND day = ? AND kind = ? AND ai_assisted = ?")) {
            ps.setObject(1, team);
            ps.setObject(2, day);
            ps.setString(3, kind);
            ps.setBoolean(4, ai);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long count(String sql) {
        return TestSql.count(ds, sql);
    }
}
