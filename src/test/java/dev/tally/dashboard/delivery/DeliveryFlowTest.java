package dev.tally.dashboard.delivery;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.imageio.ImageIO;
import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.tally.access.Access;
import dev.tally.outcomes.FakeGitHubApi;
import dev.tally.outcomes.OutcomeTestData;
import dev.tally.outcomes.github.WebhookSignature;
import dev.tally.platform.TestStack;

/**
 * Issue 18's "done when", as a new user would check it: signed merged-PR deliveries for one team —
 * three AI-assisted PRs with cycle times of 2, 4 and 6 hours, three others with 10, 20 and 30, all
 * merged within the last week — give the team's {@code delivery} medians 4 and 20 with n = 3 each, the
 * same figures in the CSV and on the page, and the page says the sample is not enough.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class DeliveryFlowTest {

    private static final WebhookSignature SIGNER = new WebhookSignature(FakeGitHubApi.WEBHOOK_SECRET);
    private static final String REPO = "acme-outcomes/delivery-repo";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    DataSource ds;

    @Test
    void threeAiAssistedAndThreeOtherPrsGiveMediansFourAndTwentyWithNThreeOnJsonCsvAndPage() throws Exception {
        UUID team = OutcomeTestData.team(ds, "Delivery Flow " + UUID.randomUUID());
        OutcomeTestData.employee(ds, team, "delivery-flow-ai-" + team + "@example.com", "delivery-flow-ai-" + team);
        OutcomeTestData.employee(
                ds, team, "delivery-flow-other-" + team + "@example.com", "delivery-flow-other-" + team);
        Instant merged = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        // The first AI-assisted PR was sent back for changes half an hour after it opened, by a person
        // (delivered before the merge, as GitHub does).
        review(1801, 9_180_101L, "delivery-flow-reviewer", "changes_requested", merged.minus(Duration.ofMinutes(90)));
        int[] aiHours = {2, 4, 6};
        int[] otherHours = {10, 20, 30};
        for (int i = 0; i < 3; i++) {
            merge(
                    1801 + i,
                    "delivery-flow-ai-" + team,
                    merged.minus(Duration.ofHours(aiHours[i])),
                    merged.plusSeconds(i),
                    "ai-assisted");
            merge(
                    1804 + i,
                    "delivery-flow-other-" + team,
                    merged.minus(Duration.ofHours(otherHours[i])),
                    merged.plusSeconds(i));
        }

        String report = "/api/reports/teams/" + team + "?preset=7d";
        JsonNode delivery = Awaitility.await("six merged PRs with their facts")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> JSON.readTree(Access.leader()
                                        .get(report)
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .asString())
                                .path("delivery"),
                        d -> d.path("prsAi").asInt() == 3 && d.path("prsOther").asInt() == 3);

        assertThat(delivery.path("cycleHoursMedianAi").decimalValue()).isEqualByComparingTo("4");
        assertThat(delivery.path("cycleHoursMedianOther").decimalValue()).isEqualByComparingTo("20");
        assertThat(delivery.path("cycleHoursP75Ai").decimalValue()).isEqualByComparingTo("5");
        assertThat(delivery.path("cycleHoursP75Other").decimalValue()).isEqualByComparingTo("25");
        // n = 3 is below the minimum sample (and too few for a distribution-free 95% interval of a median)
        assertThat(delivery.path("cycleHoursMedianAiInterval").isNull()).isTrue();
        assertThat(delivery.path("revertRateAi").decimalValue()).isEqualByComparingTo("0");
        assertThat(delivery.path("cohorts")).hasSize(Cohort.values().length);

        JsonNode body =
                JSON.readTree(Access.leader().get(report).then().extract().asString());
        JsonNode cycle = metric(body, DeliveryMetric.CYCLE_MEDIAN);
        assertThat(cycle.path("verdict").asText()).isEqualTo("not_enough_data");
        JsonNode firstReview = metric(body, DeliveryMetric.FIRST_REVIEW_MEDIAN);
        assertThat(firstReview.path("ai").path("value").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(firstReview.path("ai").path("n").asInt()).isEqualTo(1);
        JsonNode rounds = metric(body, DeliveryMetric.REVIEW_ROUNDS_MEAN);
        assertThat(rounds.path("ai").path("value").decimalValue()).isEqualByComparingTo("0.33");
        assertThat(body.at("/deliveryDetail/assumedVsMeasured/basis").asText()).isEqualTo("assumed");

        // JSON = CSV
        Map<String, String> csvCycle = csvRow(
                Access.leader()
                        .get(report + "&format=csv&table=delivery")
                        .then()
                        .statusCode(200)
                        .contentType("text/csv")
                        .extract()
                        .asString(),
                DeliveryMetric.CYCLE_MEDIAN.key());
        assertThat(csvCycle)
                .containsEntry("ai_value", "4")
                .containsEntry("ai_n", "3")
                .containsEntry("other_value", "20")
                .containsEntry("other_n", "3")
                .containsEntry("verdict", "not_enough_data");

        // the PR list and the week-by-week trend as CSV: the same six PRs
        List<Map<String, String>> prs = csvRows(Access.leader()
                .get(report + "&format=csv&table=delivery_prs")
                .then()
                .statusCode(200)
                .contentType("text/csv")
                .extract()
                .asString());
        assertThat(prs).hasSize(6);
        Map<String, String> firstAi = prs.stream()
                .filter(r -> r.get("pr").equals(REPO + "#1801"))
                .findFirst()
                .orElseThrow();
        assertThat(firstAi)
                .containsEntry("author", "delivery-flow-ai-" + team)
                .containsEntry("ai_assisted", "true")
                .containsEntry("reverted", "false");
        assertThat(new BigDecimal(firstAi.get("cycle_hours"))).isEqualByComparingTo("2");
        assertThat(prs.stream().filter(r -> r.get("ai_assisted").equals("true")))
                .hasSize(3);
        List<Map<String, String>> weeks = csvRows(Access.leader()
                .get(report + "&format=csv&table=delivery_trend")
                .then()
                .statusCode(200)
                .contentType("text/csv")
                .extract()
                .asString());
        assertThat(weeks.stream().mapToInt(w -> Integer.parseInt(w.get("prs"))).sum())
                .isEqualTo(6);
        assertThat(weeks.stream()
                        .mapToInt(w -> Integer.parseInt(w.get("prs_ai")))
                        .sum())
                .isEqualTo(3);

        // = page: the comparison, its samples and that they are not enough
        String page = Access.leader()
                .get("/teams/" + team + "?preset=7d")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String section = page.substring(page.indexOf("id=\"delivery\""));
        assertThat(section)
                .contains("AI-assisted PRs merged in a median of 4.0 h, the others in 20.0 h (n = 3 vs 3).")
                .contains("<span class=\"bar-value\">4.0 h</span><span class=\"bar-n\">n = 3</span>")
                .contains("<span class=\"bar-value\">20.0 h</span><span class=\"bar-n\">n = 3</span>")
                .contains("Not enough data: at least 10 PRs needed in each group")
                .contains("not enough data: the assumption stands");
        // the trend chart the page shows is a real PNG of the same report
        byte[] png = Access.leader()
                .get("/charts/delivery/trend.png?preset=7d&team=" + team)
                .then()
                .statusCode(200)
                .contentType("image/png")
                .extract()
                .asByteArray();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(420);
    }

    private static JsonNode metric(JsonNode body, DeliveryMetric m) {
        for (JsonNode n : body.at("/deliveryDetail/metrics")) {
            if (n.path("metric").asText().equals(m.key())) {
                return n;
            }
        }
        throw new AssertionError("no metric " + m.key() + " in " + body.at("/deliveryDetail/metrics"));
    }

    /** Every row of a CSV (without quoted commas), by header name. */
    private static List<Map<String, String>> csvRows(String csv) {
        List<String> lines = csv.lines().toList();
        List<String> header = Arrays.asList(lines.get(0).split(",", -1));
        return lines.subList(1, lines.size()).stream()
                .map(line -> {
                    String[] cells = line.split(",", -1);
                    return header.stream().collect(Collectors.toMap(h -> h, h -> cells[header.indexOf(h)]));
                })
                .toList();
    }

    /** The row of a CSV whose first column is {@code key}, by header name. */
    private static Map<String, String> csvRow(String csv, String key) {
        String first = csv.lines().findFirst().orElseThrow().split(",", -1)[0];
        return csvRows(csv).stream()
                .filter(r -> r.get(first).equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row " + key + " in\n" + csv));
    }

    private static void merge(int number, String author, Instant opened, Instant merged, String... labels) {
        ObjectNode p = OutcomeTestData.mergedPr(REPO, number, author, merged.toString(), labels);
        ((ObjectNode) p.get("pull_request"))
                .put("created_at", opened.toString())
                .put("title", "Delivery flow " + number);
        send("pull_request", p).statusCode(202).body("status", equalTo("accepted"));
    }

    private static void review(int number, long id, String login, String state, Instant submitted) {
        ObjectNode r = OutcomeTestData.fixture("github/webhooks/pull_request_review.submitted.json");
        String json = r.toString()
                .replace("Codertocat/Hello-World/pulls/2", REPO + "/pulls/" + number)
                .replace("Codertocat/Hello-World/pull/2", REPO + "/pull/" + number)
                .replace("Codertocat/Hello-World", REPO);
        ObjectNode p;
        try {
            p = (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        ((ObjectNode) p.get("pull_request")).put("number", number);
        ((ObjectNode) p.get("review")).put("id", id).put("state", state).put("submitted_at", submitted.toString());
        ((ObjectNode) p.at("/review/user")).put("login", login);
        send("pull_request_review", p).statusCode(202).body("status", equalTo("recorded"));
    }

    private static ValidatableResponse send(String event, JsonNode payload) {
        byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
        return given().contentType("application/json")
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header(WebhookSignature.HEADER, SIGNER.sign(body))
                .body(body)
                .post("/api/webhooks/github")
                .then();
    }
}
