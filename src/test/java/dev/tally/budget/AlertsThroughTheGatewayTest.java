package dev.tally.budget;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tally.gateway.Admin;
import dev.tally.gateway.FakeProvider;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * The alerts that {@link BudgetEnforcementTest} does not drive through the gateway: a projection
 * (with the clock moved far enough into the day for the rule to project), a downgrade starting, and
 * a person whose two keys spike together. Real calls, the real aggregator and evaluator, a real
 * webhook receiver checking each delivery's signature.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class AlertsThroughTheGatewayTest extends BudgetFlow {

    static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    /** Moves the clock forward to {@code target} (put back in each test's finally). */
    void moveTo(Instant target) {
        clock.advance(Duration.between(clock.instant(), target));
    }

    @Test
    void aProjectedAlertArrivesOnceWithTheProjectedAmountAndTheRunOutDate() throws Exception {
        Admin.Key key = Admin.newKey();
        Hook hook = Hook.on(receiver, "projected");
        // 08:00 tomorrow: a third of the day gone, past the 25 % before the rule projects anything
        moveTo(clock.instant().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(32)));
        try {
            Map<String, Object> body =
                    budget("Run rate " + key.teamId().substring(0, 8), "team", key.teamId(), "day", "0.0008", "alert");
            body.put("channelIds", List.of(hook.channelId()));
            String budgetId = createBudget(body);
            // one call: 283,200 of 800,000 (35 %, under every threshold), at a rate of about 3 × that a day
            assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> kinds(delivered(hook)).contains("projected:null"));
            JsonNode projected = delivered(hook).get(0);
            assertThat(projected.path("kind").asText()).isEqualTo("projected");
            assertThat(projected.path("budgetId").asText()).isEqualTo(budgetId);
            assertThat(projected.path("spentNanos").asLong()).isEqualTo(MINI_CALL);
            assertThat(projected.path("limitNanos").asLong()).isEqualTo(800_000L);
            // the documented rule: spent × period ÷ elapsed, and the run-out when the run rate reaches the amount
            Instant start = Instant.parse(projected.path("periodStart").asText());
            Instant at = Instant.parse(projected.path("at").asText());
            long elapsed = Duration.between(start, at).toMillis();
            assertThat(elapsed).isBetween(DAY_MILLIS / 3, DAY_MILLIS / 2);
            assertThat(projected.path("projectedNanos").asLong()).isEqualTo(MINI_CALL * DAY_MILLIS / elapsed);
            Instant runsOut =
                    Instant.parse(projected.path("projectedExhaustedAt").asText());
            assertThat(runsOut).isEqualTo(start.plusMillis(800_000L * elapsed / MINI_CALL));
            assertThat(runsOut)
                    .isAfter(at)
                    .isBefore(Instant.parse(projected.path("periodEnd").asText()));

            // a second call: 566,400 (70.8 %), still under the amount and still projected over it: 50 % alerts,
            // the projection does not again
            assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> kinds(delivered(hook)).contains("threshold:50"));
            nothingMoreFor(budgetId);
            Map<String, Object> row = budgetReport(budgetId);
            assertThat(((Number) row.get("spentNanos")).longValue()).isEqualTo(2 * MINI_CALL);
            assertThat(((Number) row.get("projectedNanos")).longValue()).isGreaterThan(800_000L);
            assertThat(kinds(delivered(hook))).containsExactlyInAnyOrder("projected:null", "threshold:50");
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }

    @Test
    void aDowngradeBudgetSendsOneDowngradedAlertAsCallsGoToTheCheaperModel() throws Exception {
        Admin.Key key = Admin.newKey();
        Hook hook = Hook.on(receiver, "downgraded");
        Map<String, Object> body = budget(
                "Advisor alert " + key.teamId().substring(0, 8), "team", key.teamId(), "day", "0.001", "downgrade");
        body.put("channelIds", List.of(hook.channelId()));
        body.put("downgrade", Map.of("models", Map.of("claude-opus-*", "claude-haiku-4-5")));
        String budgetId = createBudget(body);
        enforcement.refresh();
        Response first = anthropic(key, "claude-opus-4-7", false, "m-" + UUID.randomUUID());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.header("x-tally-downgraded-from")).isNull();
        // that one opus answer spends more than the $0.001: from the gateway's next look, opus goes to haiku
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            enforcement.refresh();
            Response r = anthropic(key, "claude-opus-4-7", false, "m-" + UUID.randomUUID());
            return r.statusCode() == 200 && "claude-opus-4-7".equals(r.header("x-tally-downgraded-from"));
        });
        for (int i = 0; i < 3; i++) {
            String marker = "m-" + UUID.randomUUID();
            Response r = anthropic(key, "claude-opus-4-7", false, marker);
            assertThat(r.header("x-tally-downgraded-from")).isEqualTo("claude-opus-4-7");
            assertThat(FakeProvider.BY_MARKER.get(marker).body().getString("model"))
                    .isEqualTo("claude-haiku-4-5");
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> delivered(hook).size() >= 4);
        nothingMoreFor(budgetId);
        List<JsonNode> sent = delivered(hook);
        // every threshold once, and the downgrade once, however many downgraded calls followed
        assertThat(kinds(sent))
                .containsExactlyInAnyOrder("threshold:50", "threshold:80", "threshold:100", "downgraded:100");
        JsonNode downgraded = sent.stream()
                .filter(d -> d.path("kind").asText().equals("downgraded"))
                .findFirst()
                .orElseThrow();
        assertThat(downgraded.path("budgetId").asText()).isEqualTo(budgetId);
        assertThat(downgraded.path("mode").asText()).isEqualTo("downgrade");
        assertThat(downgraded.path("spentNanos").asLong())
                .isGreaterThanOrEqualTo(downgraded.path("limitNanos").asLong());
        assertThat(downgraded.path("link").asText()).isEqualTo("/teams/" + key.teamId());
    }

    @Test
    void twoKeysOfOnePersonEachUnderTheSpikeRuleButTogetherOverItAlertOnceAndPauseBoth() throws Exception {
        Admin.Key first = Admin.newKey();
        Admin.Key second = Admin.anotherKey(first, Map.of());
        String slackPath = "/slack/" + UUID.randomUUID();
        String slack = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body(Map.of("type", "slack", "name", "spikes " + UUID.randomUUID(), "url", receiver.url(slackPath)))
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        // ten minutes into the next hour: both calls fall in one hour, however long the machine takes
        moveTo(clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(70)));
        try {
            Map<String, Object> body = budget(
                    "Two-key loop " + first.teamId().substring(0, 8), "team", first.teamId(), "month", "1000", "alert");
            body.put("channelIds", List.of(slack));
            // $0.0005 an hour: each key's one call (283,200) is under it, the person's two (566,400) over
            body.put("spike", Map.of("perHourUsd", "0.0005", "action", "pause_key"));
            String budgetId = createBudget(body);
            for (Admin.Key k : List.of(first, second)) {
                Response r = openAi(k, "gpt-4o-mini", false);
                assertThat(r.statusCode()).isEqualTo(200);
                usage.await(r.header("x-request-id"));
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> spikesRecorded(budgetId).size() == 1);
            nothingMoreFor(budgetId);
            String id = "budget:" + budgetId + ":"
                    + clock.instant().atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1)
                    + ":spike:employee:" + first.employeeId();
            assertThat(spikesRecorded(budgetId)).containsExactly(id);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> alerts.all().stream()
                            .anyMatch(e -> id.equals(e.path("id").asText())));
            JsonNode spike = alerts.all().stream()
                    .filter(e -> budgetId.equals(e.path("data").path("budgetId").asText()))
                    .filter(e -> "spike".equals(e.path("data").path("kind").asText()))
                    .findFirst()
                    .orElseThrow()
                    .path("data");
            assertThat(spike.path("keyId").isNull()).isTrue();
            assertThat(spike.path("employeeId").asText()).isEqualTo(first.employeeId());
            assertThat(spike.path("employeeName").asText()).isEqualTo("Gateway Tester");
            assertThat(spike.path("spikeHourNanos").asLong()).isEqualTo(2 * MINI_CALL);
            assertThat(spike.path("link").asText()).isEqualTo("/teams/" + first.teamId());

            // the message people read names the person, not the team the budget covers
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> receiver.requests(slackPath).size() == 1);
            JsonNode slackMessage =
                    json.readTree(receiver.requests(slackPath).get(0).body());
            assertThat(slackMessage
                            .path("blocks")
                            .get(0)
                            .path("text")
                            .path("text")
                            .asText())
                    .isEqualTo("Spend spike: Gateway Tester");
            assertThat(slackMessage.path("text").asText())
                    .contains("Gateway Tester's keys together spent <$0.01 this hour, far above their usual hour");

            // pause_key on a person: every key of theirs stops (each until an admin resumes it, as a key's pause)
            enforcement.refresh();
            for (Admin.Key k : List.of(first, second)) {
                Response paused = openAi(k, "gpt-4o-mini", false);
                assertThat(paused.statusCode()).isEqualTo(402);
                assertThat(paused.jsonPath().getString("error.message")).contains("paused");
            }
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }
}
