package dev.tally.outcomes.review;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.tally.access.Access;
import dev.tally.outcomes.FakeGitHubApi;
import dev.tally.outcomes.OutcomeTestData;
import dev.tally.outcomes.OutcomeTopic;
import dev.tally.outcomes.github.WebhookSignature;
import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

/**
 * AI reviewers' findings end to end, from GitHub's webhook payloads to the outcomes on Kafka, the
 * rollups, the reviewer report and the team page: flagged when raised, fixed when the thread is
 * resolved, when the reviewer says a commit addressed it, or when a push changes the lines.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ReviewFindingsFlowTest {

    private static final WebhookSignature SIGNER = new WebhookSignature(FakeGitHubApi.WEBHOOK_SECRET);
    /** Comment ids of this class; GitHub's are global, so any unused range will do. */
    private static final AtomicLong IDS = new AtomicLong(7_100_000_000L + (System.nanoTime() % 1_000_000) * 100);

    private static final String BASE = "c0ffee0000000000000000000000000000000001";
    private static final String HEAD = "c0ffee0000000000000000000000000000000002";
    private static final String RETRY = "src/main/java/acme/Retry.java";

    @Inject
    DataSource ds;

    static ValidatableResponse send(String event, JsonNode payload) {
        byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
        String delivery = UUID.randomUUID().toString();
        return given().contentType("application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery)
                .header(WebhookSignature.HEADER, SIGNER.sign(body))
                .body(body)
                .post("/api/webhooks/github")
                .then();
    }

    @Test
    void aFindingIsFlaggedWhenRaisedAndABugCaughtWhenItsThreadIsResolved() throws Exception {
        UUID team = OutcomeTestData.team(ds, "Review Flow Threads");
        OutcomeTestData.employee(ds, team, "rvw-thread-ada@example.com", "rvw-thread-ada");
        long id = IDS.incrementAndGet();
        ObjectNode comment = OutcomeTestData.reviewComment(
                "acme-outcomes/review-repo",
                41,
                id,
                "coderabbitai[bot]",
                ReviewRulesTest.body("coderabbit-potential-issue-major.md"),
                RETRY,
                null,
                12,
                BASE,
                "rvw-thread-ada");
        send("pull_request_review_comment", comment).statusCode(202).body("status", equalTo("accepted"));

        OutcomeTopic.Seen flagged = OutcomeTopic.await("github:review-comment:" + id);
        assertThat(flagged.key()).isEqualTo(team.toString());
        assertThat(flagged.event().at("/data/kind").asText()).isEqualTo("bug_flagged");
        assertThat(flagged.event().at("/data/severity").asText()).isEqualTo("high");
        assertThat(OutcomeTopic.attribution(flagged.event()))
                .containsExactly("ai-reviewer:coderabbitai[bot]", "reviewer:coderabbit", "finding:potential issue tag");

        send("pull_request_review_thread", OutcomeTestData.threadResolved(comment, "rvw-thread-ada"))
                .statusCode(202)
                .body("status", equalTo("accepted"));
        OutcomeTopic.Seen fixed = OutcomeTopic.await("github:review-comment:" + id + ":fixed");
        assertThat(fixed.event().at("/data/kind").asText()).isEqualTo("bug_caught");
        assertThat(OutcomeTopic.attribution(fixed.event())).contains("reviewer:coderabbit", "fixed:thread_resolved");

        // the rollups, the reviewer report and the team page show one flagged and one fixed
        awaitOutcomeRows("github:review-comment:" + id + "%", 2);
        Access.leader()
                .queryParam("teamId", team.toString())
                .queryParam("preset", "90d")
                .get("/api/reports/reviewers")
                .then()
                .statusCode(200)
                .body("rows.size()", equalTo(1))
                .body("rows[0].reviewerName", equalTo("CodeRabbit"))
                .body("rows[0].flagged", equalTo(1))
                .body("rows[0].fixed", equalTo(1));
        Access.leader()
                .queryParam("teamId", team.toString())
                .queryParam("preset", "90d")
                .queryParam("format", "csv")
                .get("/api/reports/reviewers")
                .then()
                .statusCode(200)
                .body(equalTo(
                        "team_id,team,reviewer,flagged,fixed\r\n" + team + ",Review Flow Threads,CodeRabbit,1,1\r\n"));
        Access.leader()
                .queryParam("preset", "90d")
                .get("/teams/" + team)
                .then()
                .statusCode(200)
                .body(containsString("AI review findings: flagged and fixed"))
                .body(containsString("<td>CodeRabbit</td><td class=\"num\">1</td><td class=\"num\">1</td>"))
                .body(containsString("The ROI value counts fixed findings only"));
    }

    @Test
    void aPushThatChangesTheCommentedLinesFixesThatFindingAndLeavesTheOthersOpen() throws Exception {
        OutcomeTestData.team(ds, "Review Flow Pushes");
        long onLine12 = IDS.incrementAndGet();
        long onLines40To44 = IDS.incrementAndGet();
        send(
                        "pull_request_review_comment",
                        OutcomeTestData.reviewComment(
                                "acme-outcomes/review-repo",
                                42,
                                onLine12,
                                "cursor[bot]",
                                ReviewRulesTest.body("bugbot-high.md"),
                                RETRY,
                                null,
                                12,
                                BASE,
                                "rvw-push-bo"))
                .statusCode(202);
        send(
                        "pull_request_review_comment",
                        OutcomeTestData.reviewComment(
                                "acme-outcomes/review-repo",
                                42,
                                onLines40To44,
                                "greptile-apps[bot]",
                                ReviewRulesTest.body("greptile-p1.md"),
                                RETRY,
                                40,
                                44,
                                BASE,
                                "rvw-push-bo"))
                .statusCode(202);
        OutcomeTopic.await("github:review-comment:" + onLine12);
        OutcomeTopic.await("github:review-comment:" + onLines40To44);
        awaitFinding(onLines40To44);

        send("pull_request", OutcomeTestData.synchronize("acme-outcomes/review-repo", 42, "rvw-push-bo", BASE, HEAD))
                .statusCode(202)
                .body("status", equalTo("accepted"));
        OutcomeTopic.Seen fixed = OutcomeTopic.await("github:review-comment:" + onLine12 + ":fixed");
        assertThat(OutcomeTopic.attribution(fixed.event())).contains("reviewer:bugbot", "fixed:lines_changed " + HEAD);
        assertThat(fixed.event().at("/data/severity").asText()).isEqualTo("high");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fixedBy(onLine12) != null);
        assertThat(fixedBy(onLines40To44)).isNull();
        assertThat(OutcomeTopic.count("github:review-comment:" + onLines40To44 + ":fixed"))
                .isZero();
    }

    @Test
    void aPushThatArrivesBeforeItsFindingsCommentIsProcessedStillFixesIt() {
        long id = IDS.incrementAndGet();
        ObjectNode comment = OutcomeTestData.reviewComment(
                "acme-outcomes/review-repo",
                46,
                id,
                "cursor[bot]",
                ReviewRulesTest.body("bugbot-high.md"),
                RETRY,
                null,
                12,
                BASE,
                "rvw-early-fe");
        Instant pushedAt = Instant.parse(comment.at("/comment/created_at").asText());
        ((ObjectNode) comment.get("comment"))
                .put("created_at", pushedAt.minus(Duration.ofMinutes(5)).toString());
        // GitHub does not promise the order of deliveries: the push comes first, while Tally knows no
        // finding of this pull request yet
        send("pull_request", OutcomeTestData.synchronize("acme-outcomes/review-repo", 46, "rvw-early-fe", BASE, HEAD))
                .statusCode(202);
        send("pull_request_review_comment", comment).statusCode(202).body("status", equalTo("accepted"));

        OutcomeTopic.Seen fixed = OutcomeTopic.await("github:review-comment:" + id + ":fixed");
        assertThat(fixed.event().at("/data/kind").asText()).isEqualTo("bug_caught");
        assertThat(OutcomeTopic.attribution(fixed.event())).contains("reviewer:bugbot", "fixed:lines_changed " + HEAD);
        assertThat(fixed.event().at("/data/occurredAt").asText()).isEqualTo(pushedAt.toString());
    }

    @Test
    void aPushToAPullRequestWithoutOpenFindingsIsIgnored() {
        send("pull_request", OutcomeTestData.synchronize("acme-outcomes/review-repo", 4300, "rvw-push-cy", BASE, HEAD))
                .statusCode(202)
                .body("status", equalTo("ignored"))
                .body("detail", equalTo("push to a pull request with no open AI findings"));
    }

    @Test
    void theReviewersOwnNoteThatACommitAddressedItFixesTheFinding() {
        long id = IDS.incrementAndGet();
        ObjectNode comment = OutcomeTestData.reviewComment(
                "acme-outcomes/review-repo",
                44,
                id,
                "coderabbitai[bot]",
                ReviewRulesTest.body("coderabbit-potential-issue-major.md"),
                RETRY,
                null,
                12,
                BASE,
                "rvw-note-di");
        send("pull_request_review_comment", comment).statusCode(202);
        ObjectNode edited = comment.deepCopy();
        edited.put("action", "edited");
        ((ObjectNode) edited.get("comment"))
                .put("body", ReviewRulesTest.body("coderabbit-potential-issue-major.addressed.md"))
                .put("updated_at", "2026-11-30T15:00:00Z");
        send("pull_request_review_comment", edited).statusCode(202).body("status", equalTo("accepted"));
        JsonNode fixed =
                OutcomeTopic.await("github:review-comment:" + id + ":fixed").event();
        assertThat(OutcomeTopic.attribution(fixed)).contains("fixed:reviewer_confirmed");
        assertThat(fixed.at("/data/occurredAt").asText()).isEqualTo("2026-11-30T15:00:00Z");
    }

    @Test
    void aReplyANitpickAHumanAndAReviewSummaryAreNoFindings() {
        long reply = IDS.incrementAndGet();
        ObjectNode answer = OutcomeTestData.reviewComment(
                "acme-outcomes/review-repo",
                45,
                reply,
                "coderabbitai[bot]",
                ReviewRulesTest.body("coderabbit-potential-issue-major.md"),
                RETRY,
                null,
                12,
                BASE,
                "rvw-none-ed");
        ((ObjectNode) answer.get("comment")).put("in_reply_to_id", reply - 1);
        send("pull_request_review_comment", answer)
                .statusCode(202)
                .body("status", equalTo("ignored"))
                .body("detail", equalTo("a reply in a review thread is not a new finding"));

        send(
                        "pull_request_review_comment",
                        OutcomeTestData.reviewComment(
                                "acme-outcomes/review-repo",
                                45,
                                IDS.incrementAndGet(),
                                "Copilot",
                                "nit: remove this debug print statement",
                                RETRY,
                                null,
                                20,
                                BASE,
                                "rvw-none-ed"))
                .statusCode(202)
                .body("status", equalTo("ignored"))
                .body("detail", equalTo("review comment by Copilot raises no finding under its reviewer's rules"));

        send(
                        "pull_request_review_comment",
                        OutcomeTestData.reviewComment(
                                "acme-outcomes/review-repo",
                                45,
                                IDS.incrementAndGet(),
                                "octocat",
                                "This is a bug: the lock is never released.",
                                RETRY,
                                null,
                                20,
                                BASE,
                                "rvw-none-ed"))
                .statusCode(202)
                .body("detail", containsString("not a configured AI reviewer"));

        ObjectNode approval = OutcomeTestData.fixture("github/webhooks/pull_request_review.submitted.json");
        ((ObjectNode) approval.at("/review"))
                .put("id", IDS.incrementAndGet())
                .put("state", "approved")
                .put("body", "No security issues found.");
        ((ObjectNode) approval.at("/review/user")).put("login", "claude[bot]");
        // kept only for the PR's delivery facts (first review, rounds): an approval is never an outcome
        send("pull_request_review", approval)
                .statusCode(202)
                .body("status", equalTo("recorded"))
                .body("detail", containsString("a review is not itself an outcome"));
    }

    private void awaitOutcomeRows(String idPattern, long n) {
        Awaitility.await("outcome rows " + idPattern)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> scalar("SELECT count(*) FROM outcome WHERE id LIKE ?", idPattern) == n);
    }

    private void awaitFinding(long commentId) {
        Awaitility.await("review_finding " + commentId)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> scalar("SELECT count(*) FROM review_finding WHERE comment_id = ?", commentId) == 1);
    }

    private String fixedBy(long commentId) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT fixed_by FROM review_finding WHERE comment_id = ?")) {
            ps.setLong(1, commentId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private long scalar(String sql, Object arg) {
        return TestSql.count(ds, sql, arg);
    }
}
