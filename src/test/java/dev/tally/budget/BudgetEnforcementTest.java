package dev.tally.budget;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.access.Access;
import dev.tally.alert.digest.BudgetLine;
import dev.tally.gateway.Admin;
import dev.tally.gateway.FakeProvider;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;
import dev.tally.rollup.Aggregator;

/**
 * The "done when", through the real gateway, broker, aggregator and database: a block budget
 * sends its 50, 80 and 100 % alerts once each, then refuses calls in both API formats (streaming
 * too), and its report shows it exceeded with the events' exact sum; a downgrade budget routes
 * claude-opus-4-7 to claude-haiku-4-5; the strictest of several budgets decides.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class BudgetEnforcementTest extends BudgetFlow {

    @Inject
    Aggregator aggregator;

    @Inject
    DigestBudgetLines digestLines;

    @Test
    void blockBudgetAlertsOnceAtEachThresholdThenRefusesInBothFormatsWithTheEventsExactSum() throws Exception {
        Admin.Key key = Admin.newKey();
        // a real webhook receiver: the chain runs budget -> alert on Kafka -> signed delivery
        Hook hook = Hook.on(receiver, "budget-hook");
        String channel = hook.channelId();
        String budgetId = createBudget(Map.of(
                "name",
                "Team block " + key.teamId().substring(0, 8),
                "scope",
                "team",
                "scopeId",
                key.teamId(),
                "period",
                "month",
                "amountUsd",
                "0.0005",
                "mode",
                "block",
                "channelIds",
                List.of(channel)));
        enforcement.refresh(); // instead of waiting up to a refresh interval for the gateway to learn of it

        List<String> admitted = new ArrayList<>();
        int calls = 0;
        Response refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Response r = openAi(key, "gpt-4o-mini", false);
            calls++;
            if (r.statusCode() == 402) {
                refused = r;
            } else if (r.statusCode() != 504) { // a busy machine may time the fake out: that call costs nothing
                assertThat(r.statusCode()).isEqualTo(200);
                admitted.add(r.header("x-request-id"));
            }
        }
        // gpt-4o-mini answers cost 283,200 nano-dollars each: the second call reaches $0.0005, the third is refused
        assertThat(admitted).hasSize(2);
        assertThat(refused).isNotNull();
        assertThat(refused.header("x-should-retry")).isEqualTo("false");
        assertThat(refused.jsonPath().getString("error.type")).isEqualTo("insufficient_quota");
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("budget_exceeded");
        assertThat(refused.jsonPath().getString("error.message"))
                .contains("Team block")
                .contains("resets at")
                .contains(LocalDate.now(ZoneOffset.UTC)
                        .withDayOfMonth(1)
                        .plusMonths(1)
                        .toString());

        Response anthropicRefused = anthropic(key, "claude-sonnet-4-5", false, "m-" + UUID.randomUUID());
        assertThat(anthropicRefused.statusCode()).isEqualTo(402);
        assertThat(anthropicRefused.header("x-should-retry")).isEqualTo("false");
        assertThat(anthropicRefused.jsonPath().getString("type")).isEqualTo("error");
        assertThat(anthropicRefused.jsonPath().getString("error.type")).isEqualTo("billing_error");
        assertThat(anthropicRefused.jsonPath().getString("error.message")).contains("Team block");

        Response streamRefused = openAi(key, "gpt-4o-mini", true);
        assertThat(streamRefused.statusCode()).isEqualTo(402);
        assertThat(streamRefused.jsonPath().getString("error.code")).isEqualTo("budget_exceeded");
        Response anthropicStreamRefused = anthropic(key, "claude-sonnet-4-5", true, "m-" + UUID.randomUUID());
        assertThat(anthropicStreamRefused.statusCode()).isEqualTo(402);
        assertThat(anthropicStreamRefused.jsonPath().getString("error.type")).isEqualTo("billing_error");

        // the budget report: exceeded, its spend the exact sum of the team's usage events
        List<JsonNode> events = usage.awaitForKey(key.keyId(), calls + 3);
        long sum = events.stream()
                .mapToLong(e -> e.path("data").path("costNanos").asLong())
                .sum();
        assertThat(sum).isEqualTo(2 * 283_200L);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((Number) budgetReport(budgetId).get("spentNanos")).longValue() == sum);
        Map<String, Object> row = budgetReport(budgetId);
        assertThat(row.get("state")).isEqualTo("exceeded");
        assertThat(((Number) row.get("limitNanos")).longValue()).isEqualTo(500_000L);
        assertThat(row.get("mode")).isEqualTo("block");

        // 50, 80 and 100 % once each, and blocked once, carrying what a channel needs without a lookup
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> alertsOf(budgetId).size() >= 4);
        nothingMoreFor(budgetId);
        List<JsonNode> sent = alertsOf(budgetId);
        assertThat(sent.stream()
                        .map(e -> e.path("data").path("kind").asText() + ":"
                                + e.path("data").path("threshold").asText()))
                .containsExactlyInAnyOrder("threshold:50", "threshold:80", "threshold:100", "blocked:100");
        JsonNode fifty = sent.stream()
                .filter(e -> e.path("data").path("threshold").asInt() == 50)
                .findFirst()
                .orElseThrow();
        assertThat(fifty.path("type").asText()).isEqualTo("dev.tally.alert.v1");
        assertThat(fifty.path("data").path("channelIds").get(0).asText()).isEqualTo(channel);
        assertThat(fifty.path("data").path("scopeName").asText()).startsWith("gw-team-");
        assertThat(fifty.path("data").path("link").asText()).isEqualTo("/teams/" + key.teamId());
        assertThat(fifty.path("data").path("limitNanos").asLong()).isEqualTo(500_000L);

        // and the receiver got each of the four once, signed with the channel's secret
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> receiver.requests(hook.path()).size() >= 4);
        List<JsonNode> delivered = delivered(hook);
        assertThat(delivered).allMatch(d -> d.path("budgetId").asText().equals(budgetId));
        assertThat(kinds(delivered))
                .containsExactlyInAnyOrder("threshold:50", "threshold:80", "threshold:100", "blocked:100");
    }

    @Test
    void downgradeBudgetRoutesOpusToHaikuWithTheHeaderAndTheEventField() {
        Admin.Key key = Admin.newKey();
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                "Advisor " + key.teamId().substring(0, 8),
                "scope",
                "team",
                "scopeId",
                key.teamId(),
                "period",
                "day",
                "amountUsd",
                "0.001",
                "mode",
                "downgrade"));
        body.put("downgrade", Map.of("models", Map.of("claude-opus-*", "claude-haiku-4-5")));
        createBudget(body);
        // before the budget's point: opus as asked
        Response first = anthropic(key, "claude-opus-4-7", false, "m-" + UUID.randomUUID());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.header("x-tally-downgraded-from")).isNull();
        // one opus answer of the fake costs more than $0.001: from then on, calls go to haiku
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            String marker = "m-" + UUID.randomUUID();
            Response r = anthropic(key, "claude-opus-4-7", false, marker);
            return r.statusCode() == 200 && "claude-opus-4-7".equals(r.header("x-tally-downgraded-from"));
        });
        String marker = "m-" + UUID.randomUUID();
        Response r = anthropic(key, "claude-opus-4-7", true, marker);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-tally-downgraded-from")).isEqualTo("claude-opus-4-7");
        assertThat(FakeProvider.BY_MARKER.get(marker).body().getString("model")).isEqualTo("claude-haiku-4-5");
        JsonNode d = usage.await(r.header("x-request-id")).path("data");
        assertThat(d.path("model").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(d.path("downgradedFrom").asText()).isEqualTo("claude-opus-4-7");
        // a model without a rule is not touched
        Response sonnet = anthropic(key, "claude-sonnet-4-5", false, "m-" + UUID.randomUUID());
        assertThat(sonnet.header("x-tally-downgraded-from")).isNull();
    }

    @Test
    void downgradeWorksInTheOpenAiFormatTooStreamingOrNot() throws Exception {
        Admin.Key key = Admin.newKey();
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                "Advisor OpenAI " + key.teamId().substring(0, 8),
                "scope",
                "team",
                "scopeId",
                key.teamId(),
                "period",
                "day",
                "amountUsd",
                "0",
                "mode",
                "downgrade"));
        body.put("downgrade", Map.of("models", Map.of("gpt-4o", "gpt-4o-mini")));
        createBudget(body);
        enforcement.refresh();
        // a $0 budget is past its point at once: gpt-4o goes to gpt-4o-mini, plain and streamed
        for (boolean stream : List.of(false, true)) {
            Response r = openAi(key, "gpt-4o", stream);
            assertThat(r.statusCode()).as("stream=%s", stream).isEqualTo(200);
            assertThat(r.header("x-tally-downgraded-from"))
                    .as("stream=%s", stream)
                    .isEqualTo("gpt-4o");
            JsonNode d = usage.await(r.header("x-request-id")).path("data");
            assertThat(d.path("model").asText()).isEqualTo("gpt-4o-mini");
            assertThat(d.path("downgradedFrom").asText()).isEqualTo("gpt-4o");
            assertThat(d.path("stream").asBoolean()).isEqualTo(stream);
        }
        // a model the rule does not name is not touched
        assertThat(openAi(key, "gpt-4o-mini", false).header("x-tally-downgraded-from"))
                .isNull();
    }

    @Test
    void aSpikeAlertsOnceAndPausesTheKeyUntilAnAdminResumesIt() throws Exception {
        Admin.Key key = Admin.newKey();
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                "Night loop " + key.keyId().substring(0, 8),
                "scope",
                "employee",
                "scopeId",
                key.employeeId(),
                "period",
                "month",
                "amountUsd",
                "1000",
                "mode",
                "alert"));
        body.put("spike", Map.of("perHourUsd", "0.0001", "action", "pause_key"));
        String budgetId = createBudget(body);
        Response first = openAi(key, "gpt-4o-mini", false); // 283,200 nano-dollars: over $0.0001 in this hour
        assertThat(first.statusCode()).isEqualTo(200);
        usage.await(first.header("x-request-id"));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> alertsOf(budgetId).stream()
                        .anyMatch(
                                e -> "spike".equals(e.path("data").path("kind").asText())));
        JsonNode spike = alertsOf(budgetId).stream()
                .filter(e -> "spike".equals(e.path("data").path("kind").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(spike.path("data").path("keyId").asText()).isEqualTo(key.keyId());
        // which of the person's keys, as their key list shows it
        assertThat(spike.path("data").path("keyPrefix").asText())
                .isEqualTo(dev.tally.identity.ApiKeys.prefixOf(key.key()));
        assertThat(spike.path("data").path("spikeHourNanos").asLong()).isEqualTo(283_200L);
        assertThat(spike.path("data").path("employeeId").asText()).isEqualTo(key.employeeId());
        assertThat(evaluator.evaluate())
                .noneMatch(e -> e.data().budgetId().toString().equals(budgetId));
        // the person's sum is over the rule too, but it is this one key's loop: one alert, the key's
        assertThat(spikesRecorded(budgetId)).containsExactly(spike.path("id").asText());

        enforcement.refresh();
        Response paused = anthropic(key, "claude-haiku-4-5", false, "m-" + UUID.randomUUID());
        assertThat(paused.statusCode()).isEqualTo(402);
        assertThat(paused.header("x-should-retry")).isEqualTo("false");
        assertThat(paused.jsonPath().getString("error.message"))
                .contains("paused")
                .contains("/resume");

        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/keys/" + key.keyId() + "/resume")
                .then()
                .statusCode(204);
        enforcement.refresh();
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
    }

    @Test
    void aServiceKeysSpikePointsAtItsWorkloadsRuns() {
        Admin.Key person = Admin.newKey();
        String workload = "night-loop-" + UUID.randomUUID().toString().substring(0, 8);
        String serviceKey = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "teamId", person.teamId(), "service", true, "name", "flaky-test loop", "workload", workload))
                .post("/api/admin/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                "Loop watch " + workload,
                "scope",
                "team",
                "scopeId",
                person.teamId(),
                "period",
                "month",
                "amountUsd",
                "1000",
                "mode",
                "alert"));
        body.put("spike", Map.of("perHourUsd", "0.0001", "action", "alert"));
        String budgetId = createBudget(body);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> given().header("Authorization", "Bearer " + serviceKey)
                                .get("/v1/models")
                                .statusCode()
                        == 200);
        Response call = given().header("Authorization", "Bearer " + serviceKey)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertThat(call.statusCode()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> alertsOf(budgetId).stream()
                        .anyMatch(
                                e -> "spike".equals(e.path("data").path("kind").asText())));
        JsonNode spike = alertsOf(budgetId).stream()
                .filter(e -> "spike".equals(e.path("data").path("kind").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(spike.path("data").path("link").asText()).isEqualTo("/workloads/" + workload);
    }

    @Test
    void aBlockedBudgetLetsCallsThroughAgainWhenItsPeriodResets() throws Exception {
        Admin.Key key = Admin.newKey();
        // less than one call: the first call of a day passes, the ones after it are refused
        String budgetId = createBudget(Map.of(
                "name",
                "Daily cap " + key.keyId().substring(0, 8),
                "scope",
                "key",
                "scopeId",
                key.keyId(),
                "period",
                "day",
                "amountUsd",
                "0.0002",
                "mode",
                "block"));
        enforcement.refresh();
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            enforcement.refresh();
            assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(402);
        });
        String before = (String) budgetReport(budgetId).get("periodStart");
        try {
            // the next local day (UTC in tests): a new period, a new counter, nothing spent in it
            clock.advance(Duration.ofDays(1));
            enforcement.refresh();
            Map<String, Object> row = budgetReport(budgetId);
            assertThat(OffsetDateTime.parse((String) row.get("periodStart")))
                    .isEqualTo(OffsetDateTime.parse(before).plusDays(1));
            assertThat(((Number) row.get("spentNanos")).longValue()).isZero();
            assertThat(row.get("state")).isEqualTo("ok");
            assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }

    @Test
    void freeCallsPassASpentBlockBudgetWhileBilledCallsAreRefused() throws Exception {
        Admin.Key key = Admin.newKey();
        // less than one call: the first call spends it
        createBudget(budget("Spent " + key.keyId().substring(0, 8), "key", key.keyId(), "day", "0.0002", "block"));
        enforcement.refresh();
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            enforcement.refresh();
            assertThat(anthropic(key, "claude-sonnet-4-5", false, "m-" + UUID.randomUUID())
                            .statusCode())
                    .isEqualTo(402);
        });
        // count_tokens costs nothing at the provider: the money budget does not refuse it
        Response counted = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages/count_tokens");
        assertThat(counted.statusCode()).as(counted.asString()).isEqualTo(200);
        assertThat(counted.jsonPath().getInt("input_tokens")).isEqualTo(1234);
        // nor the model list, in either format
        assertThat(given().header("Authorization", "Bearer " + key.key())
                        .get("/v1/models")
                        .statusCode())
                .isEqualTo(200);
        assertThat(given().header("x-api-key", key.key())
                        .header("anthropic-version", "2023-06-01")
                        .get("/v1/models")
                        .statusCode())
                .isEqualTo(200);
        // and billed calls stay refused
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(402);
    }

    @Test
    void aDepartmentsBudgetCountsEveryTeamInItAndBlocksThemAllButNoOtherDepartment() throws Exception {
        String department = "Dept " + UUID.randomUUID().toString().substring(0, 8);
        Admin.Key first = Admin.newKeyInDepartment(department);
        Admin.Key second = Admin.newKeyInDepartment(department);
        Admin.Key elsewhere = Admin.newKey();
        // less than one call: the department's first call passes, then every team in it is refused
        String budgetId = createBudget(budget("Dept cap", "department", department, "month", "0.0002", "block"));
        enforcement.refresh();
        assertThat(openAi(first, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
        List<Integer> secondsCalls = new ArrayList<>();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            enforcement.refresh();
            int status = openAi(second, "gpt-4o-mini", false).statusCode();
            secondsCalls.add(status);
            assertThat(status).isEqualTo(402);
        });
        assertThat(openAi(first, "gpt-4o-mini", false).statusCode()).isEqualTo(402);
        assertThat(openAi(elsewhere, "gpt-4o-mini", false).statusCode()).isEqualTo(200);

        long passed = 1 + secondsCalls.stream().filter(s -> s == 200).count();
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Object> row = budgetReport(budgetId);
            assertThat(((Number) row.get("spentNanos")).longValue()).isEqualTo(passed * MINI_CALL);
            assertThat(row.get("scopeName")).isEqualTo(department);
        });
    }

    @Test
    void aDepartmentBudgetNeedsADepartmentThatHasATeam() {
        BudgetAdminTest.post(
                        budget("No such dept", "department", "Nobody " + UUID.randomUUID(), "month", "10", "alert"))
                .statusCode(400)
                .body("detail", containsString("scopeId: no team is in department Nobody "));
    }

    @Test
    void theStrictestCoveringBudgetDecides() throws Exception {
        Admin.Key key = Admin.newKey();
        // the team's budget is generous; the key's own is spent at once
        createBudget(Map.of(
                "scope", "team", "scopeId", key.teamId(), "period", "month", "amountUsd", "100", "mode", "block"));
        String keyBudget = createBudget(Map.of(
                "name",
                "Key cap " + key.keyId().substring(0, 8),
                "scope",
                "key",
                "scopeId",
                key.keyId(),
                "period",
                "day",
                "amountUsd",
                "0",
                "mode",
                "block"));
        enforcement.refresh();
        Response r = openAi(key, "gpt-4o-mini", false);
        assertThat(r.statusCode()).isEqualTo(402);
        assertThat(r.jsonPath().getString("error.message")).contains("Key cap");
        // deleting the strict one lets the call through under the generous one
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/budgets/" + keyBudget)
                .then()
                .statusCode(204);
        enforcement.refresh();
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
    }

    @Test
    void aZeroBlockBudgetShowsExceededAndItsFirstRefusedCallSendsTheBlockedAlert() throws Exception {
        Admin.Key key = Admin.newKey();
        Hook hook = Hook.on(receiver, "zero-block");
        String budgetId = hookedKeyBudget(key, hook, "No spend", "0", "block", null);
        // nothing may be spent: the budget is exhausted from the period's start, not ok
        Map<String, Object> row = budgetReport(budgetId);
        assertThat(row.get("state")).isEqualTo("exceeded");
        assertThat(((Number) row.get("spentNanos")).longValue()).isZero();
        assertThat(((Number) row.get("limitNanos")).longValue()).isZero();
        // no call refused yet: no alert yet
        nothingMoreFor(budgetId);

        Response refused = openAi(key, "gpt-4o-mini", false);
        assertThat(refused.statusCode()).isEqualTo(402);
        assertThat(refused.jsonPath().getString("error.code")).isEqualTo("budget_exceeded");
        // the first refused call raises the blocked alert a spent budget raises, once, however many follow
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> receiver.requests(hook.path()).size() >= 1);
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(402);
        nothingMoreFor(budgetId);
        List<JsonNode> delivered = delivered(hook);
        assertThat(kinds(delivered)).containsExactly("blocked:100");
        assertThat(delivered.get(0).path("budgetId").asText()).isEqualTo(budgetId);
        assertThat(delivered.get(0).path("spentNanos").asLong()).isZero();
        assertThat(delivered.get(0).path("limitNanos").asLong()).isZero();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> !alertsOf(budgetId).isEmpty());
        assertThat(kinds(alertsOf(budgetId).stream().map(e -> e.path("data")).toList()))
                .containsExactly("blocked:100");
    }

    @Test
    void aZeroBlockBudgetsBlockedAlertWaitsForARefusalMadeAfterItWasCreated() throws Exception {
        Admin.Key key = Admin.newKey();
        // another budget refuses the key's call earlier the same day, and that refusal is rolled up
        String earlier = createBudget(
                budget("Refused first " + key.keyId().substring(0, 8), "key", key.keyId(), "month", "0", "block"));
        enforcement.refresh();
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(402);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> budgetRefusals(key.keyId()) == 1);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/budgets/" + earlier)
                .then()
                .statusCode(204);

        Hook hook = Hook.on(receiver, "zero-block-later");
        String budgetId = hookedKeyBudget(key, hook, "No spend later", "0", "block", null);
        // that refusal was not this budget's: no blocked alert for it
        evaluator.evaluate();
        nothingMoreFor(budgetId);
        assertThat(recorded(budgetId)).isEmpty();

        // its own first refusal raises it, once
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(402);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> budgetRefusals(key.keyId()) == 2);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> receiver.requests(hook.path()).size() >= 1);
        nothingMoreFor(budgetId);
        assertThat(recorded(budgetId)).containsExactly("blocked:100");
        assertThat(kinds(delivered(hook))).containsExactly("blocked:100");
    }

    @Test
    void aRefusalRolledUpWithoutItsTimeOnTheDayAZeroBlockBudgetWasCreatedIsNotCountedAsItsOwn() throws Exception {
        Admin.Key key = Admin.newKey();
        // a row as the aggregator wrote it before refusal_team_day kept the latest refusal's time (V1640)
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO refusal_team_day (day, team_id, key_id, reason, "
                        + "requests) VALUES (?, ?::uuid, ?::uuid, 'budget_exceeded', 1)")) {
            ps.setObject(1, calendar.today());
            ps.setString(2, key.teamId());
            ps.setString(3, key.keyId());
            ps.executeUpdate();
        }
        String budgetId = createBudget(
                budget("No spend today " + key.keyId().substring(0, 8), "key", key.keyId(), "month", "0", "block"));
        // the row says only its day, the day the budget was created: it may be from before, so it is not its own
        evaluator.evaluate();
        nothingMoreFor(budgetId);
        assertThat(recorded(budgetId)).isEmpty();
    }

    /** The key's calls refused as over budget, as the aggregator rolled them up. */
    private long budgetRefusals(String keyId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(requests), 0) FROM refusal_team_day "
                        + "WHERE key_id = ?::uuid AND reason = 'budget_exceeded'")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aZeroDowngradeBudgetShowsExceededAndSendsTheDowngradedAlertFromThePeriodsStart() throws Exception {
        Admin.Key key = Admin.newKey();
        Hook hook = Hook.on(receiver, "zero-downgrade");
        String budgetId = hookedKeyBudget(
                key, hook, "Always mini", "0", "downgrade", Map.of("models", Map.of("gpt-4o", "gpt-4o-mini")));
        // its point ($0) is reached at the period's start: it downgrades from then, so it is exceeded, not ok
        Map<String, Object> row = budgetReport(budgetId);
        assertThat(row.get("state")).isEqualTo("exceeded");
        assertThat(((Number) row.get("spentNanos")).longValue()).isZero();
        assertThat(((Number) row.get("limitNanos")).longValue()).isZero();
        assertThat(row.get("percent")).isNull();
        // and the downgraded alert comes with the first evaluation, before any call, once
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> receiver.requests(hook.path()).size() >= 1);
        nothingMoreFor(budgetId);
        List<JsonNode> delivered = delivered(hook);
        assertThat(kinds(delivered)).containsExactly("downgraded:100");
        assertThat(delivered.get(0).path("budgetId").asText()).isEqualTo(budgetId);
        assertThat(delivered.get(0).path("mode").asText()).isEqualTo("downgrade");
        assertThat(delivered.get(0).path("spentNanos").asLong()).isZero();
        assertThat(delivered.get(0).path("limitNanos").asLong()).isZero();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> !alertsOf(budgetId).isEmpty());
        assertThat(kinds(alertsOf(budgetId).stream().map(e -> e.path("data")).toList()))
                .containsExactly("downgraded:100");

        // what it said: gpt-4o is called as gpt-4o-mini
        // the cheaper model's spend is rolled up: still exceeded; there is no share of $0 for that spend
        // to cross, so no threshold alert follows, and the downgraded alert is not sent again
        gpt4oAnsweredAsMiniAndRolledUp(key, budgetId);
        assertThat(budgetReport(budgetId).get("state")).isEqualTo("exceeded");
        nothingMoreFor(budgetId);
        assertThat(recorded(budgetId)).containsExactly("downgraded:100");
        assertThat(kinds(delivered(hook))).containsExactly("downgraded:100");
    }

    @Test
    void aZeroAlertBudgetSendsOneAlertAtItsFirstSpendNotEveryPercentageThreshold() throws Exception {
        Admin.Key key = Admin.newKey();
        Hook hook = Hook.on(receiver, "zero-alert");
        String budgetId = hookedKeyBudget(key, hook, "Tell me of any", "0", "alert", null);
        // an alert budget never acts: with nothing spent it is on track and tells nothing
        assertThat(budgetReport(budgetId).get("state")).isEqualTo("ok");
        nothingMoreFor(budgetId);
        assertThat(recorded(budgetId)).isEmpty();

        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((Number) budgetReport(budgetId).get("spentNanos")).longValue() == MINI_CALL);
        assertThat(budgetReport(budgetId).get("state")).isEqualTo("exceeded");
        // the first spend passes $0 once: one alert, at 100 % (the amount reached), not 50, 80 and 100 at once
        evaluator.evaluate();
        nothingMoreFor(budgetId);
        assertThat(recorded(budgetId)).containsExactly("threshold:100");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> receiver.requests(hook.path()).size() >= 1);
        List<JsonNode> delivered = delivered(hook);
        assertThat(kinds(delivered)).containsExactly("threshold:100");
        assertThat(delivered.get(0).path("spentNanos").asLong()).isEqualTo(MINI_CALL);
        assertThat(delivered.get(0).path("limitNanos").asLong()).isZero();
        // a second spend sends nothing more
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((Number) budgetReport(budgetId).get("spentNanos")).longValue() == 2 * MINI_CALL);
        nothingMoreFor(budgetId);
        assertThat(recorded(budgetId)).containsExactly("threshold:100");
    }

    @Test
    void aDowngradeBudgetPastItsPointButUnderItsAmountShowsDowngradingOnTheReportPagesAndDigest() throws Exception {
        Admin.Key key = Admin.newKey();
        String name = "Half then mini " + key.keyId().substring(0, 8);
        Map<String, Object> body = budget(name, "key", key.keyId(), "month", "0.001", "downgrade");
        // its point is 20 % of $0.001: 200,000 nano-dollars, which one gpt-4o-mini answer (283,200) passes
        body.put("downgrade", Map.of("fromPercent", 20, "models", Map.of("gpt-4o", "gpt-4o-mini")));
        String budgetId = createBudget(body);
        enforcement.refresh();
        assertThat(budgetReport(budgetId).get("state")).isEqualTo("ok");
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((Number) budgetReport(budgetId).get("spentNanos")).longValue() == MINI_CALL);

        // the gateway downgrades from here on: gpt-4o is called as gpt-4o-mini ...
        enforcement.refresh();
        assertThat(openAi(key, "gpt-4o", false).header("x-tally-downgraded-from"))
                .isEqualTo("gpt-4o");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((Number) budgetReport(budgetId).get("spentNanos")).longValue() == 2 * MINI_CALL);
        // ... and every view of the budget says so, not "warning" (at 56.6 % it is past its 50 % threshold too)
        Map<String, Object> row = budgetReport(budgetId);
        assertThat(row.get("state")).isEqualTo("downgrading");
        assertThat(row.get("percent")).hasToString("56.6");
        assertThat(((Number) row.get("downgradeFromNanos")).longValue()).isEqualTo(200_000L);
        String csv = Access.leader()
                .get("/api/reports/budgets?format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(csv.lines().filter(l -> l.contains(budgetId)))
                .singleElement()
                .asString()
                .contains(",downgrading,")
                .endsWith(",200000"); // downgradeFromNanos, the last column
        String budgetsPage =
                Access.leader().get("/budgets").then().statusCode(200).extract().asString();
        assertThat(stateOnPage(budgetsPage, name)).isEqualTo("downgrading: downgrading");
        String teamPage = Access.leader()
                .get("/teams/" + key.teamId())
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(stateOnPage(teamPage, name)).isEqualTo("downgrading: downgrading");
        assertThat(digestLines.at(clock.instant()))
                .filteredOn(l -> l.name().startsWith(name + " ("))
                .singleElement()
                .extracting(BudgetLine::state)
                .isEqualTo("downgrading");
    }

    @Test
    void aDowngradeBudgetFromZeroPercentShowsDowngradingAndSendsTheDowngradedAlertFromThePeriodsStart()
            throws Exception {
        Admin.Key key = Admin.newKey();
        Hook hook = Hook.on(receiver, "from-zero");
        String budgetId = hookedKeyBudget(
                key,
                hook,
                "Mini from the start",
                "1",
                "downgrade",
                Map.of("fromPercent", 0, "models", Map.of("gpt-4o", "gpt-4o-mini")));
        // its point is 0 % of $1: reached at the period's start, so it downgrades from then, before any spend
        Map<String, Object> row = budgetReport(budgetId);
        assertThat(row.get("state")).isEqualTo("downgrading");
        assertThat(((Number) row.get("spentNanos")).longValue()).isZero();
        // and the downgraded alert comes with the first evaluation, before any call, once
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> receiver.requests(hook.path()).size() >= 1);
        nothingMoreFor(budgetId);
        List<JsonNode> delivered = delivered(hook);
        assertThat(kinds(delivered)).containsExactly("downgraded:0");
        assertThat(delivered.get(0).path("budgetId").asText()).isEqualTo(budgetId);
        assertThat(delivered.get(0).path("spentNanos").asLong()).isZero();
        assertThat(delivered.get(0).path("limitNanos").asLong()).isEqualTo(1_000_000_000L);

        // what it said: gpt-4o is called as gpt-4o-mini from the first call
        gpt4oAnsweredAsMiniAndRolledUp(key, budgetId);
        assertThat(budgetReport(budgetId).get("state")).isEqualTo("downgrading");
        // the spend crosses no threshold of $1 and the downgraded alert is not sent again
        nothingMoreFor(budgetId);
        assertThat(kinds(delivered(hook))).containsExactly("downgraded:0");
    }

    @Test
    void unpricedModelsAreRefusedOnlyWhereABudgetSaysSo() throws Exception {
        Admin.Key key = Admin.newKey();
        createBudget(Map.of(
                "scope",
                "employee",
                "scopeId",
                key.employeeId(),
                "period",
                "week",
                "amountUsd",
                "10",
                "mode",
                "alert",
                "unpriced",
                "block"));
        enforcement.refresh();
        Response r = openAi(key, "gpt-unpriced-test", false);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.jsonPath().getString("error.message")).contains("has no price");
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
    }

    @Test
    void aCallAskingForMoreTokensThanALongCanPriceIsAnsweredAndReleasesWhatItReserved() throws Exception {
        // max_tokens past a long is read as "no limit" (Long.MAX_VALUE); under a budget the call's
        // estimate is priced from it: the call must still be answered, and leave nothing reserved
        Admin.Key key = Admin.newKey(Map.of("maxInFlight", 1));
        createBudget(budget("Huge max_tokens", "key", key.keyId(), "month", "100", "block"));
        enforcement.refresh();
        HttpClient http = HttpClient.newHttpClient();
        for (String maxTokens : List.of("99999999999999999999", "100000000000000000")) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/v1/chat/completions"))
                            .timeout(Duration.ofSeconds(20))
                            .header("Authorization", "Bearer " + key.key())
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-mini\",\"max_tokens\":"
                                    + maxTokens + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode())
                    .as("max_tokens " + maxTokens + ": " + r.body())
                    .isEqualTo(200);
        }
        // its one call in flight and the budget's reservation were given back: the next call passes
        assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
    }

    @Test
    void aCallInFlightAtMidnightCountsAgainstTheDayItEndsIn() throws Exception {
        // the usage event is dated when the call ends, so the rollup counts a call that crosses midnight
        // in the new day: the new day's counter must hold it too, in flight (its estimate) and once ended
        priceTheGatedModel();
        Admin.Key key = Admin.newKey();
        // less than one call a day
        String budgetId = createBudget(
                budget("Midnight " + key.keyId().substring(0, 8), "key", key.keyId(), "day", "0.0002", "block"));
        HttpClient http = HttpClient.newHttpClient();
        try {
            aggregator.stop(); // nothing is rolled up meanwhile: the gateway's own counters alone decide
            try {
                enforcement.refresh();
                CompletableFuture<HttpResponse<String>> crossing = heldAtTheProvider(http, key);

                clock.advance(Duration.ofDays(1)); // midnight passes while the call streams
                enforcement.refresh();
                Response inFlight = openAi(key, "gpt-4o-mini", false);
                assertThat(inFlight.statusCode())
                        .as("the crossing call's estimate holds the new day's budget: " + inFlight.asString())
                        .isEqualTo(402);

                FakeProvider.openGate();
                assertThat(crossing.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                enforcement.refresh();
                Response ended = openAi(key, "gpt-4o-mini", false);
                assertThat(ended.statusCode())
                        .as("the crossing call's cost is the new day's: " + ended.asString())
                        .isEqualTo(402);
            } finally {
                FakeProvider.openGate();
                aggregator.start();
            }
            // and the rollup agrees: the crossing call is the new day's spend, past its amount
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(
                            () -> assertThat(((Number) budgetReport(budgetId).get("spentNanos")).longValue())
                                    .isGreaterThan(200_000L));
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }

    @Test
    void aCallThatEndsAfterMidnightBeforeTheRefreshCountsAgainstTheNewDay() throws Exception {
        // the crossing call ends after midnight but before the refresh that turns the day: it was
        // settled into the old day's counter, and that refresh moves it to the new day's
        priceTheGatedModel();
        Admin.Key key = Admin.newKey();
        createBudget(budget("Late " + key.keyId().substring(0, 8), "key", key.keyId(), "day", "0.0002", "block"));
        HttpClient http = HttpClient.newHttpClient();
        try {
            aggregator.stop(); // nothing is rolled up meanwhile: the gateway's own counters alone decide
            try {
                enforcement.refresh();
                CompletableFuture<HttpResponse<String>> crossing = heldAtTheProvider(http, key);
                // the refresh thread waits on the enforcement's monitor (refresh is synchronized) until
                // the call has ended in the new day; this thread's own refresh then is the first of that day
                synchronized (enforcement) {
                    clock.advance(Duration.ofDays(1));
                    FakeProvider.openGate();
                    assertThat(crossing.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                    enforcement.refresh();
                }
                Response next = openAi(key, "gpt-4o-mini", false);
                assertThat(next.statusCode())
                        .as("the crossing call's cost is the new day's: " + next.asString())
                        .isEqualTo(402);
            } finally {
                FakeProvider.openGate();
                aggregator.start();
            }
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }

    @Test
    void aRollupCommittedBetweenTheRefreshsTwoReadsIsCountedOnce() throws Exception {
        Admin.Key key = Admin.newKey();
        // one call (283,200) leaves room under 500,000; the same call counted twice (566,400) does not
        createBudget(budget("Snapshot " + key.keyId().substring(0, 8), "key", key.keyId(), "month", "0.0005", "block"));
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        // registered after the gateway's own listener: when this one hears of an event, the gateway has
        publisher.onDelivered((topic, id, partition, offset) -> acknowledged.add(id));
        Response second;
        aggregator.stop(); // the call's rollup is committed only when the hook below lets it
        try {
            enforcement.refresh();
            Response first = openAi(key, "gpt-4o-mini", false);
            assertThat(first.statusCode()).isEqualTo(200);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> acknowledged.contains(first.header("x-request-id")));
            synchronized (enforcement) { // no background refresh meets the hook, or runs before the call
                // between the refresh's read of the committed offsets and its read of the spend, the
                // aggregator rolls the call up and commits its offset
                enforcement.betweenReads(() -> {
                    aggregator.start();
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> statuses.current().stream()
                                    .anyMatch(s -> s.scopeId().equals(key.keyId()) && s.spentNanos() == MINI_CALL));
                });
                enforcement.refresh();
                enforcement.betweenReads(null);
                second = openAi(key, "gpt-4o-mini", false);
            }
        } finally {
            enforcement.betweenReads(null);
            aggregator.start();
        }
        assertThat(second.statusCode())
                .as("the first call is counted once, in the spend or in the gateway's own counter: "
                        + second.asString())
                .isEqualTo(200);
    }

    /** A streamed call the fake provider holds (its gate) until {@code FakeProvider.openGate()}: in flight. */
    private static CompletableFuture<HttpResponse<String>> heldAtTheProvider(HttpClient http, Admin.Key key) {
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/v1/chat/completions"))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + key.key())
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"gpt-4o-mini-gated\",\"stream\":true,\"max_tokens\":400,"
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> FakeProvider.gated() == 1);
        return call;
    }

    /** The fake provider's gated model ({@link #heldAtTheProvider}), priced as gpt-4o-mini. */
    private static void priceTheGatedModel() {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("input", "0.15", "output", "0.60", "cacheRead", "0.075", "cacheWrite", "0.15"))
                .put("/api/admin/prices/gpt-4o-mini-gated")
                .then()
                .statusCode(200);
    }

    /**
     * A monthly budget on {@code key} whose alerts go to {@code hook}, created and read by the gateway;
     * {@code downgrade} the downgrade mode's settings, or null.
     */
    private String hookedKeyBudget(
            Admin.Key key, Hook hook, String name, String amount, String mode, Map<String, Object> downgrade)
            throws SQLException {
        Map<String, Object> body =
                budget(name + " " + key.keyId().substring(0, 8), "key", key.keyId(), "month", amount, mode);
        body.put("channelIds", List.of(hook.channelId()));
        if (downgrade != null) {
            body.put("downgrade", downgrade);
        }
        String budgetId = createBudget(body);
        enforcement.refresh();
        return budgetId;
    }

    /** A gpt-4o call under a downgrade in effect: answered as gpt-4o-mini, whose spend is then rolled up. */
    private void gpt4oAnsweredAsMiniAndRolledUp(Admin.Key key, String budgetId) throws Exception {
        Response r = openAi(key, "gpt-4o", false);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-tally-downgraded-from")).isEqualTo("gpt-4o");
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((Number) budgetReport(budgetId).get("spentNanos")).longValue() == MINI_CALL);
    }
}
