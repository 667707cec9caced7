package dev.tally.budget;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.tally.access.MovableClock;
import dev.tally.alert.channel.Receiver;
import dev.tally.budget.alert.AlertEvaluator;
import dev.tally.budget.enforce.BudgetEnforcement;
import dev.tally.events.EventPublisher;
import dev.tally.events.Topics;
import dev.tally.gateway.Admin;
import dev.tally.gateway.FakeProvider;
import dev.tally.gateway.UsageEvents;
import dev.tally.platform.Roles;
import dev.tally.platform.TallyServices;
import dev.tally.platform.time.OrgCalendar;

/**
 * The alerts that {@link BudgetEnforcementTest} does not drive through the gateway: a projection
 * (with the clock moved far enough into the day for the rule to project), a downgrade starting, and
 * a person whose two keys spike together. Real calls, the real aggregator and evaluator, a real
 * webhook receiver checking each delivery's signature.
 */
@QuarkusTest
@WithTestResource(TallyServices.class)
@WithTestResource(FakeProvider.class)
class AlertsThroughTheGatewayTest {

    /** What one gpt-4o-mini answer of the fake provider costs. */
    static final long MINI_CALL = 283_200L;

    static final long DAY_MILLIS = Duration.ofDays(1).toMillis();

    static UsageEvents usage;
    static UsageEvents alerts;
    static Receiver receiver;

    @Inject
    BudgetEnforcement enforcement;

    @Inject
    MovableClock clock;

    @Inject
    AlertEvaluator evaluator;

    @Inject
    DataSource dataSource;

    @Inject
    BudgetStore store;

    @Inject
    BudgetStatusService statuses;

    @Inject
    OrgCalendar calendar;

    @Inject
    BudgetConfig config;

    @Inject
    Roles roles;

    @Inject
    EventPublisher publisher;

    @Inject
    ObjectMapper json;

    @BeforeAll
    static void consumers() throws Exception {
        usage = new UsageEvents();
        alerts = new UsageEvents(Topics.ALERTS);
        receiver = new Receiver();
    }

    @AfterAll
    static void close() {
        usage.close();
        alerts.close();
        receiver.close();
    }

    /** The data of every delivery to {@code path}, each checked against the channel's signature. */
    List<JsonNode> delivered(String path, String secret) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Receiver.Request r : receiver.requests(path)) {
            assertThat(r.header("X-Tally-Signature-256")).isEqualTo(Receiver.signature(secret, r.body()));
            out.add(json.readTree(r.body()).path("data"));
        }
        return out;
    }

    static List<String> kinds(List<JsonNode> data) {
        return data.stream()
                .map(d -> d.path("kind").asText() + ":" + d.path("threshold").asText())
                .toList();
    }

    /** Neither this evaluator nor a second one on the same database (another instance, a restart) sends it again. */
    void nothingMoreFor(String budgetId) throws Exception {
        assertThat(evaluator.evaluate())
                .noneMatch(e -> e.data().budgetId().toString().equals(budgetId));
        AlertEvaluator another =
                new AlertEvaluator(dataSource, store, statuses, calendar, config, clock, roles, publisher, json);
        assertThat(another.evaluate())
                .noneMatch(e -> e.data().budgetId().toString().equals(budgetId));
    }

    /** Moves the clock forward to {@code target} (put back in each test's finally). */
    void moveTo(Instant target) {
        clock.advance(Duration.between(clock.instant(), target));
    }

    @Test
    void aProjectedAlertArrivesOnceWithTheProjectedAmountAndTheRunOutDate() throws Exception {
        Admin.Key key = Admin.newKey();
        String path = "/projected/" + UUID.randomUUID();
        String secret = "projected-" + UUID.randomUUID();
        String channel = Admin.newChannel(receiver.url(path), secret);
        // 08:00 tomorrow: a third of the day gone, past the 25 % before the rule projects anything
        moveTo(clock.instant().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(32)));
        try {
            String budgetId = BudgetEnforcementTest.createBudget(Map.of(
                    "name",
                    "Run rate " + key.teamId().substring(0, 8),
                    "scope",
                    "team",
                    "scopeId",
                    key.teamId(),
                    "period",
                    "day",
                    "amountUsd",
                    "0.0008",
                    "mode",
                    "alert",
                    "channelIds",
                    List.of(channel)));
            // one call: 283,200 of 800,000 (35 %, under every threshold), at a rate of about 3 × that a day
            assertThat(BudgetEnforcementTest.openAi(key, "gpt-4o-mini", false).statusCode())
                    .isEqualTo(200);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> kinds(delivered(path, secret)).contains("projected:null"));
            JsonNode projected = delivered(path, secret).get(0);
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
            assertThat(BudgetEnforcementTest.openAi(key, "gpt-4o-mini", false).statusCode())
                    .isEqualTo(200);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> kinds(delivered(path, secret)).contains("threshold:50"));
            nothingMoreFor(budgetId);
            Map<String, Object> row = BudgetEnforcementTest.budgetReport(budgetId);
            assertThat(((Number) row.get("spentNanos")).longValue()).isEqualTo(2 * MINI_CALL);
            assertThat(((Number) row.get("projectedNanos")).longValue()).isGreaterThan(800_000L);
            assertThat(kinds(delivered(path, secret))).containsExactlyInAnyOrder("projected:null", "threshold:50");
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }

    @Test
    void aDowngradeBudgetSendsOneDowngradedAlertAsCallsGoToTheCheaperModel() throws Exception {
        Admin.Key key = Admin.newKey();
        String path = "/downgraded/" + UUID.randomUUID();
        String secret = "downgraded-" + UUID.randomUUID();
        String channel = Admin.newChannel(receiver.url(path), secret);
        Map<String, Object> body = new HashMap<>(Map.of(
                "name",
                "Advisor alert " + key.teamId().substring(0, 8),
                "scope",
                "team",
                "scopeId",
                key.teamId(),
                "period",
                "day",
                "amountUsd",
                "0.001",
                "mode",
                "downgrade",
                "channelIds",
                List.of(channel)));
        body.put("downgrade", Map.of("models", Map.of("claude-opus-*", "claude-haiku-4-5")));
        String budgetId = BudgetEnforcementTest.createBudget(body);
        enforcement.refresh();
        Response first = BudgetEnforcementTest.anthropic(key, "claude-opus-4-7", false, "m-" + UUID.randomUUID());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.header("x-tally-downgraded-from")).isNull();
        // that one opus answer spends more than the $0.001: from the gateway's next look, opus goes to haiku
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            enforcement.refresh();
            Response r = BudgetEnforcementTest.anthropic(key, "claude-opus-4-7", false, "m-" + UUID.randomUUID());
            return r.statusCode() == 200 && "claude-opus-4-7".equals(r.header("x-tally-downgraded-from"));
        });
        for (int i = 0; i < 3; i++) {
            String marker = "m-" + UUID.randomUUID();
            Response r = BudgetEnforcementTest.anthropic(key, "claude-opus-4-7", false, marker);
            assertThat(r.header("x-tally-downgraded-from")).isEqualTo("claude-opus-4-7");
            assertThat(FakeProvider.BY_MARKER.get(marker).body().getString("model"))
                    .isEqualTo("claude-haiku-4-5");
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> delivered(path, secret).size() >= 4);
        nothingMoreFor(budgetId);
        List<JsonNode> sent = delivered(path, secret);
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
            Map<String, Object> body = new HashMap<>(Map.of(
                    "name",
                    "Two-key loop " + first.teamId().substring(0, 8),
                    "scope",
                    "team",
                    "scopeId",
                    first.teamId(),
                    "period",
                    "month",
                    "amountUsd",
                    "1000",
                    "mode",
                    "alert",
                    "channelIds",
                    List.of(slack)));
            // $0.0005 an hour: each key's one call (283,200) is under it, the person's two (566,400) over
            body.put("spike", Map.of("perHourUsd", "0.0005", "action", "pause_key"));
            String budgetId = BudgetEnforcementTest.createBudget(body);
            for (Admin.Key k : List.of(first, second)) {
                Response r = BudgetEnforcementTest.openAi(k, "gpt-4o-mini", false);
                assertThat(r.statusCode()).isEqualTo(200);
                usage.await(r.header("x-request-id"));
            }
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> BudgetEnforcementTest.spikesRecorded(dataSource, budgetId)
                                    .size()
                            == 1);
            nothingMoreFor(budgetId);
            String id = "budget:" + budgetId + ":"
                    + clock.instant().atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1)
                    + ":spike:employee:" + first.employeeId();
            assertThat(BudgetEnforcementTest.spikesRecorded(dataSource, budgetId))
                    .containsExactly(id);
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
                Response paused = BudgetEnforcementTest.openAi(k, "gpt-4o-mini", false);
                assertThat(paused.statusCode()).isEqualTo(402);
                assertThat(paused.jsonPath().getString("error.message")).contains("paused");
            }
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }
}
