package dev.tally.outcomes.github;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.tally.identity.Team;
import dev.tally.outcomes.FakeGitHubApi;
import dev.tally.outcomes.OutcomeTestData;
import dev.tally.outcomes.OutcomeTopic;
import dev.tally.outcomes.config.GitHubConfig;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class GitHubWebhookFlowTest {

    private static final String PATH = "/api/webhooks/github";
    private static final WebhookSignature SIGNER = new WebhookSignature(FakeGitHubApi.WEBHOOK_SECRET);
    private static final String MERGED_AT =
            Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

    @Inject
    DataSource ds;

    @Inject
    DeliveryStore deliveries;

    @Inject
    MeterRegistry metrics;

    static ValidatableResponse send(String event, String delivery, byte[] body) {
        return given().contentType("application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery)
                .header("X-GitHub-Hook-ID", "109948940")
                .header("User-Agent", "GitHub-Hookshot/044aadd")
                .header(WebhookSignature.HEADER, SIGNER.sign(body))
                .body(body)
                .post(PATH)
                .then();
    }

    static ValidatableResponse send(String event, String delivery, JsonNode payload) {
        return send(event, delivery, payload.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String delivery() {
        return UUID.randomUUID().toString();
    }

    @Inject
    DeliveryProcessor processor;

    @Inject
    GitHubConfig github;

    @Test
    void aDeliveryWhoseLastAttemptNeverFinishedEndsFailedNotProcessingForGood() throws Exception {
        String lastTry = delivery();
        String earlierTry = delivery();
        for (String id : List.of(lastTry, earlierTry)) {
            assertThat(deliveries.insert(id, "pull_request", "closed", DeliveryStore.RECEIVED, "{}"))
                    .isTrue();
        }
        // both were taken for processing a day ago and never finished (the instance stopped)
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE github_delivery SET status = 'processing', "
                        + "attempts = ?, last_attempt_at = now() - interval '1 day' WHERE delivery_id = ?")) {
            ps.setInt(1, github.maxAttempts());
            ps.setString(2, lastTry);
            ps.executeUpdate();
            ps.setInt(1, github.maxAttempts() - 1);
            ps.setString(2, earlierTry);
            ps.executeUpdate();
        }

        processor.retryDue();

        DeliveryStore.State given = deliveries.state(lastTry).orElseThrow();
        assertThat(given.status()).isEqualTo(DeliveryStore.FAILED);
        assertThat(given.lastError()).contains("did not finish");
        // one with an attempt left is taken again, as before (on a worker thread)
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> deliveries.state(earlierTry).orElseThrow().attempts() == github.maxAttempts());
    }

    @Test
    void pingIsAnsweredWithPong() {
        send("ping", delivery(), OutcomeTestData.bytes("github/webhooks/ping.json"))
                .statusCode(200)
                .body("status", equalTo("pong"))
                .body("detail", equalTo("Anything added dilutes everything else."));
    }

    @Test
    void aForgedSignatureIsRefusedAndNothingIsRecorded() {
        String id = delivery();
        byte[] body = OutcomeTestData.mergedPr("acme-outcomes/trailer-repo", 101, "outc-flow-forger", MERGED_AT)
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json")
                .header("X-GitHub-Event", "pull_request")
                .header("X-GitHub-Delivery", id)
                .header(WebhookSignature.HEADER, new WebhookSignature("guessed-secret").sign(body))
                .body(body)
                .post(PATH)
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("does not match"));
        assertThat(deliveries.state(id)).isEmpty();
    }

    @Test
    void aMissingSignatureIsRefused() {
        given().contentType("application/json")
                .header("X-GitHub-Event", "ping")
                .header("X-GitHub-Delivery", delivery())
                .body(OutcomeTestData.bytes("github/webhooks/ping.json"))
                .post(PATH)
                .then()
                .statusCode(401)
                .body("detail", containsString("missing"));
    }

    @Test
    void aBodyChangedAfterSigningIsRefused() {
        byte[] body = OutcomeTestData.bytes("github/webhooks/ping.json");
        String sig = SIGNER.sign(body);
        byte[] tampered = new String(body, StandardCharsets.UTF_8)
                .replace("dilutes", "improves")
                .getBytes(StandardCharsets.UTF_8);
        given().contentType("application/json")
                .header("X-GitHub-Event", "ping")
                .header("X-GitHub-Delivery", delivery())
                .header(WebhookSignature.HEADER, sig)
                .body(tampered)
                .post(PATH)
                .then()
                .statusCode(401);
    }

    @Test
    void malformedJsonIsA400() {
        send("pull_request", delivery(), "{\"action\": \"closed\", ".getBytes(StandardCharsets.UTF_8))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("malformed JSON"));
    }

    @Test
    void anEventTallyDoesNotUseIsAcceptedAndCountedAsIgnored() {
        double before = ignored("star");
        String id = delivery();
        send("star", id, OutcomeTestData.bytes("github/webhooks/star.created.json"))
                .statusCode(202)
                .body("status", equalTo("ignored"));
        assertThat(ignored("star")).isEqualTo(before + 1);
        assertThat(deliveries.state(id))
                .get()
                .extracting(DeliveryStore.State::status)
                .isEqualTo(DeliveryStore.IGNORED);

        double beforePr = ignored("pull_request");
        ObjectNode closedUnmerged = OutcomeTestData.mergedPr("acme-outcomes/plain-repo", 190, "outc-flow-x", MERGED_AT);
        ((ObjectNode) closedUnmerged.get("pull_request")).put("merged", false).putNull("merged_at");
        send("pull_request", delivery(), closedUnmerged)
                .statusCode(202)
                .body("status", equalTo("ignored"))
                .body("detail", containsString("without merge"));
        assertThat(ignored("pull_request")).isEqualTo(beforePr + 1);
    }

    private double ignored(String event) {
        Counter c = metrics.find(GitHubWebhookResource.METRIC)
                .tags("event", event, "result", "ignored")
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aMergedPrWithAClaudeTrailerInItsCommitsIsAiAssistedOnTheAuthorsTeam() throws Exception {
        UUID team = OutcomeTestData.team(ds, "Outcomes Flow Trailer");
        UUID alice = OutcomeTestData.employee(ds, team, "outc-flow-alice@example.com", "outc-flow-alice");
        String id = delivery();
        send(
                        "pull_request",
                        id,
                        OutcomeTestData.mergedPr("acme-outcomes/trailer-repo", 101, "Outc-Flow-Alice", MERGED_AT))
                .statusCode(202)
                .body("status", equalTo("accepted"));

        OutcomeTopic.Seen seen = OutcomeTopic.await("github:pr:acme-outcomes/trailer-repo#101");
        JsonNode e = seen.event();
        assertThat(seen.key()).isEqualTo(team.toString());
        assertThat(e.path("type").asText()).isEqualTo("dev.tally.outcome.v1");
        assertThat(e.path("subject").asText()).isEqualTo(team.toString());
        assertThat(e.at("/data/kind").asText()).isEqualTo("pr_merged");
        assertThat(e.at("/data/teamId").asText()).isEqualTo(team.toString());
        assertThat(e.at("/data/employeeId").asText()).isEqualTo(alice.toString());
        assertThat(e.at("/data/aiAssisted").asBoolean()).isTrue();
        assertThat(OutcomeTopic.attribution(e)).containsExactly("trailer:Co-Authored-By: Claude");
        assertThat(e.at("/data/source").asText()).isEqualTo("github");
        assertThat(e.at("/data/ref").asText()).isEqualTo("https://github.com/acme-outcomes/trailer-repo/pull/101");
        assertThat(Instant.parse(e.at("/data/occurredAt").asText())).isEqualTo(Instant.parse(MERGED_AT));
        awaitStatus(id, DeliveryStore.PROCESSED);
        assertThat(deliveries.state(id).get().outcomeIds()).isEqualTo("github:pr:acme-outcomes/trailer-repo#101");
    }

    @Test
    void aReplayedDeliveryIsCountedOnce() throws Exception {
        UUID team = OutcomeTestData.team(ds, "Outcomes Flow Replay");
        OutcomeTestData.employee(ds, team, "outc-flow-replay@example.com", "outc-flow-replay");
        String id = delivery();
        ObjectNode payload =
                OutcomeTestData.mergedPr("acme-outcomes/plain-repo", 102, "outc-flow-replay", MERGED_AT, "ai-assisted");
        send("pull_request", id, payload).statusCode(202).body("status", equalTo("accepted"));
        OutcomeTopic.await("github:pr:acme-outcomes/plain-repo#102");
        awaitStatus(id, DeliveryStore.PROCESSED);

        send("pull_request", id, payload).statusCode(200).body("status", equalTo("duplicate"));
        // a later delivery for the same team lands on the same partition after anything the replay could have sent
        ObjectNode later = OutcomeTestData.mergedPr("acme-outcomes/plain-repo", 105, "outc-flow-replay", MERGED_AT);
        send("pull_request", delivery(), later).statusCode(202);
        OutcomeTopic.await("github:pr:acme-outcomes/plain-repo#105");

        assertThat(OutcomeTopic.count("github:pr:acme-outcomes/plain-repo#102")).isEqualTo(1);
        assertThat(deliveries.state(id).get().attempts()).isEqualTo(1);
    }

    @Test
    void aConfiguredLabelMakesAPrAiAssistedWithoutTrailers() throws Exception {
        UUID team = OutcomeTestData.team(ds, "Outcomes Flow Label");
        // plain-repo's commits carry only a Signed-off-by trailer: the label is the only evidence
        OutcomeTestData.employee(ds, team, "outc-flow-label@example.com", "outc-flow-label");
        send(
                        "pull_request",
                        delivery(),
                        OutcomeTestData.mergedPr(
                                "acme-outcomes/plain-repo", 104, "outc-flow-label", MERGED_AT, "bug", "ai-assisted"))
                .statusCode(202);
        JsonNode e =
                OutcomeTopic.await("github:pr:acme-outcomes/plain-repo#104").event();
        assertThat(e.at("/data/aiAssisted").asBoolean()).isTrue();
        assertThat(OutcomeTopic.attribution(e)).containsExactly("label:ai-assisted");
    }

    @Test
    void aBotAuthoredPrIsAiAssistedAndMapsToTheRepositorysTeam() throws Exception {
        UUID team = OutcomeTestData.team(ds, FakeGitHubApi.CONFIG_TEAM);
        send(
                        "pull_request",
                        delivery(),
                        OutcomeTestData.mergedPr("cfg-mapped/bot-repo", 103, "copilot-swe-agent[bot]", MERGED_AT))
                .statusCode(202);
        OutcomeTopic.Seen seen = OutcomeTopic.await("github:pr:cfg-mapped/bot-repo#103");
        assertThat(seen.key()).isEqualTo(team.toString());
        assertThat(seen.event().at("/data/employeeId").isMissingNode()).isTrue();
        assertThat(OutcomeTopic.attribution(seen.event())).containsExactly("bot-author:copilot-swe-agent[bot]");
    }

    @Test
    void gatewayUseByTheAuthorWithinTheWindowFiresAndOlderUseDoesNot() throws Exception {
        UUID team = OutcomeTestData.team(ds, "Outcomes Flow Gateway");
        UUID bob = OutcomeTestData.employee(ds, team, "outc-flow-bob@example.com", "outc-flow-bob");
        UUID carol = OutcomeTestData.employee(ds, team, "outc-flow-carol@example.com", "outc-flow-carol");
        LocalDate mergeDay = Instant.parse(MERGED_AT).atZone(ZoneOffset.UTC).toLocalDate();
        OutcomeTestData.usage(ds, mergeDay, team, bob, 2);
        OutcomeTestData.usage(ds, mergeDay.minusDays(1), team, bob, 1);
        OutcomeTestData.usage(ds, mergeDay.minusDays(5), team, carol, 40);

        send(
                        "pull_request",
                        delivery(),
                        OutcomeTestData.mergedPr("acme-outcomes/plain-repo", 110, "outc-flow-bob", MERGED_AT))
                .statusCode(202);
        send(
                        "pull_request",
                        delivery(),
                        OutcomeTestData.mergedPr("acme-outcomes/plain-repo", 111, "outc-flow-carol", MERGED_AT))
                .statusCode(202);

        JsonNode bobs =
                OutcomeTopic.await("github:pr:acme-outcomes/plain-repo#110").event();
        assertThat(bobs.at("/data/aiAssisted").asBoolean()).isTrue();
        assertThat(OutcomeTopic.attribution(bobs)).containsExactly("gateway-use:3 calls in 48h");
        JsonNode carols =
                OutcomeTopic.await("github:pr:acme-outcomes/plain-repo#111").event();
        assertThat(carols.at("/data/aiAssisted").asBoolean()).isFalse();
        assertThat(OutcomeTopic.attribution(carols)).isEmpty();
        assertThat(carols.at("/data/employeeId").asText()).isEqualTo(carol.toString());
    }

    @Test
    void anAuthorAndRepositoryNobodyClaimsGoToUnassigned() {
        send(
                        "pull_request",
                        delivery(),
                        OutcomeTestData.mergedPr("nobody/unmapped", 106, "outc-flow-stranger", MERGED_AT))
                .statusCode(202);
        OutcomeTopic.Seen seen = OutcomeTopic.await("github:pr:nobody/unmapped#106");
        assertThat(seen.key()).isEqualTo(Team.UNASSIGNED.toString());
        assertThat(seen.event().at("/data/aiAssisted").asBoolean()).isFalse();
        assertThat(OutcomeTopic.attribution(seen.event())).isEmpty();
    }

    @Test
    void commitsOnTheSecondPageOfTheApiAreRead() {
        send(
                        "pull_request",
                        delivery(),
                        OutcomeTestData.mergedPr("acme-outcomes/paged-repo", 107, "outc-flow-pager", MERGED_AT))
                .statusCode(202);
        JsonNode e =
                OutcomeTopic.await("github:pr:acme-outcomes/paged-repo#107").event();
        assertThat(OutcomeTopic.attribution(e)).containsExactly("trailer:Co-authored-by: Cursor Agent");
    }

    @Test
    void aDeliveryWhoseApiCallFailsIsKeptAndRetriedUntilItIsProcessed() {
        String id = delivery();
        send(
                        "pull_request",
                        id,
                        OutcomeTestData.mergedPr("acme-outcomes/flaky-repo", 108, "outc-flow-flaky", MERGED_AT))
                .statusCode(202);
        JsonNode e =
                OutcomeTopic.await("github:pr:acme-outcomes/flaky-repo#108").event();
        assertThat(OutcomeTopic.attribution(e)).containsExactly("trailer:Co-Authored-By: GitHub Copilot");
        awaitStatus(id, DeliveryStore.PROCESSED);
        assertThat(deliveries.state(id).get().attempts()).isEqualTo(2);
    }

    @Test
    void aPrWhoseCommitsStayUnreadableIsRecordedAsFailedThenCountedFromThePayloadOnTheLastAttempt() {
        String id = delivery();
        ObjectNode pr = OutcomeTestData.mergedPr("acme-outcomes/missing-repo", 109, "outc-flow-missing", MERGED_AT);
        ((ObjectNode) pr.get("pull_request"))
                .put("body", "Squash of 3 commits\n\nCo-authored-by: Claude <noreply@anthropic.com>");
        send("pull_request", id, pr).statusCode(202);
        awaitStatus(id, DeliveryStore.FAILED);
        assertThat(deliveries.state(id).get().lastError()).contains("404").contains("Not Found");

        JsonNode e =
                OutcomeTopic.await("github:pr:acme-outcomes/missing-repo#109").event();
        assertThat(OutcomeTopic.attribution(e)).containsExactly("trailer:Co-authored-by: Claude");
        awaitStatus(id, DeliveryStore.PROCESSED);
        assertThat(deliveries.state(id).get().attempts()).isEqualTo(3); // tally.github.max-attempts in FakeGitHubApi
    }

    @Test
    void anAiReviewersInlineFindingIsFlaggedForThePrAuthorsTeam() throws Exception {
        UUID team = OutcomeTestData.team(ds, "Outcomes Flow Reviews");
        UUID dora = OutcomeTestData.employee(ds, team, "outc-flow-dora@example.com", "outc-flow-dora");
        ObjectNode comment = OutcomeTestData.fixture("github/webhooks/pull_request_review_comment.created.json");
        ((ObjectNode) comment.at("/comment"))
                .put("id", 900002)
                .put(
                        "body",
                        "Closing the stream is skipped when parsing fails, so every bad upload leaks a file handle.");
        ((ObjectNode) comment.at("/comment/user")).put("login", "Copilot");
        ((ObjectNode) comment.at("/pull_request/user")).put("login", "outc-flow-dora");
        send("pull_request_review_comment", delivery(), comment).statusCode(202).body("status", equalTo("accepted"));
        OutcomeTopic.Seen seen = OutcomeTopic.await("github:review-comment:900002");
        assertThat(seen.key()).isEqualTo(team.toString());
        assertThat(seen.event().at("/data/kind").asText()).isEqualTo("bug_flagged");
        assertThat(seen.event().at("/data/employeeId").asText()).isEqualTo(dora.toString());
        assertThat(OutcomeTopic.attribution(seen.event()))
                .containsExactly("ai-reviewer:Copilot", "reviewer:copilot", "finding:inline comment");
    }

    @Test
    void aHumanReviewOrAnAiApprovalIsKeptForDeliveryFactsAndIsNoOutcome() throws Exception {
        ObjectNode human = OutcomeTestData.fixture("github/webhooks/pull_request_review.submitted.json");
        ((ObjectNode) human.at("/review"))
                .put("id", 900003)
                .put("state", "changes_requested")
                .put("body", "Potential issue here");
        String humanDelivery = delivery();
        send("pull_request_review", humanDelivery, human)
                .statusCode(202)
                .body("status", equalTo("recorded"))
                .body("detail", containsString("a review is not itself an outcome"));

        ObjectNode approval = OutcomeTestData.fixture("github/webhooks/pull_request_review.submitted.json");
        ((ObjectNode) approval.at("/review"))
                .put("id", 900004)
                .put("state", "approved")
                .put("body", "LGTM");
        ((ObjectNode) approval.at("/review/user")).put("login", "coderabbitai[bot]");
        send("pull_request_review", delivery(), approval).statusCode(202).body("status", equalTo("recorded"));

        assertThat(deliveries.state(humanDelivery).get().status()).isEqualTo(DeliveryStore.RECORDED);
        assertThat(deliveries.state(humanDelivery).get().outcomeIds()).isNull();
    }

    @Test
    void aMergedPrWithoutARepositoryOrANumberIsIgnoredWithTheReasonAndNeverCounted() {
        ObjectNode noRepo = OutcomeTestData.mergedPr("acme-outcomes/plain-repo", 151, "outc-flow-noid", MERGED_AT);
        ((ObjectNode) noRepo.get("repository")).remove("full_name");
        String first = delivery();
        send("pull_request", first, noRepo)
                .statusCode(202)
                .body("status", equalTo("ignored"))
                .body(
                        "detail",
                        equalTo(
                                "merged pull request without repository.full_name: it has no identity and is not counted"));
        assertThat(deliveries.state(first).get().status()).isEqualTo(DeliveryStore.IGNORED);

        ObjectNode noNumber = OutcomeTestData.mergedPr("acme-outcomes/plain-repo", 152, "outc-flow-noid", MERGED_AT);
        noNumber.remove("number");
        ((ObjectNode) noNumber.get("pull_request")).remove("number");
        send("pull_request", delivery(), noNumber)
                .statusCode(202)
                .body("status", equalTo("ignored"))
                .body(
                        "detail",
                        equalTo(
                                "merged pull request without pull_request.number: it has no identity and is not counted"));
        assertThat(OutcomeTopic.count("github:pr:#0")).isZero();
        assertThat(OutcomeTopic.count("github:pr:acme-outcomes/plain-repo#0")).isZero();
    }

    @Test
    void aFormEncodedDeliveryIsA415NamingJson() {
        // GitHub's "application/x-www-form-urlencoded" setting sends the JSON as a form field
        String body = "payload="
                + URLEncoder.encode(
                        new String(OutcomeTestData.bytes("github/webhooks/ping.json"), StandardCharsets.UTF_8),
                        StandardCharsets.UTF_8);
        given().contentType("application/x-www-form-urlencoded; charset=utf-8")
                .header("X-GitHub-Event", "ping")
                .header("X-GitHub-Delivery", delivery())
                .header(WebhookSignature.HEADER, SIGNER.sign(body.getBytes(StandardCharsets.UTF_8)))
                .body(body)
                .post(PATH)
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("Content-Type application/x-www-form-urlencoded is not accepted here: send "
                                + "application/json (set the webhook's content type to application/json)"));
    }

    private void awaitStatus(String deliveryId, String status) {
        Awaitility.await("delivery " + deliveryId + " " + status)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> deliveries
                        .state(deliveryId)
                        .map(s -> s.status().equals(status))
                        .orElse(false));
    }
}
