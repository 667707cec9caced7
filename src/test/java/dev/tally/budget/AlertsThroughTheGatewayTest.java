package dev.tally.budget;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
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
            String id = "budget:" + budgetId + ":month:"
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

    /** The first day of the quarter after the clock's: a quarter and its first month begin on it. */
    LocalDate nextQuarter() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        return LocalDate.of(today.getYear(), (today.getMonthValue() - 1) / 3 * 3 + 1, 1)
                .plusMonths(3);
    }

    static void changeBudget(String budgetId, Map<String, Object> body) {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .put("/api/admin/budgets/" + budgetId)
                .then()
                .statusCode(200);
    }

    /** The ids of a budget's alerts recorded in PostgreSQL (the dedupe), oldest first. */
    List<String> recorded(String budgetId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM budget_alert WHERE budget_id = ?::uuid ORDER BY created_at, id")) {
            ps.setString(1, budgetId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    @Test
    void aQuarterlyBudgetMadeMonthlyInTheQuartersFirstMonthSendsTheMonthsAlertsToo() throws Exception {
        Admin.Key key = Admin.newKey();
        LocalDate quarter = nextQuarter();
        // noon on the quarter's third day: too early in the month, as in the quarter, for a projection
        moveTo(quarter.plusDays(2).atTime(12, 0).toInstant(ZoneOffset.UTC));
        try {
            Map<String, Object> body = budget(
                    "Re-period " + key.keyId().substring(0, 8), "key", key.keyId(), "quarter", "0.0005", "alert");
            body.put("thresholds", List.of(50));
            String budgetId = createBudget(body);
            // one call, 283,200 of 500,000: the quarter's 50 %
            assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> alertsOf(budgetId).size() >= 1);

            // the same spend is the month's 50 %: the month is a new period whose first day is the quarter's
            body.put("period", "month");
            changeBudget(budgetId, body);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> alertsOf(budgetId).size() >= 2);
            nothingMoreFor(budgetId);
            List<JsonNode> sent = alertsOf(budgetId);
            assertThat(sent.stream()
                            .map(e -> e.path("data").path("period").asText() + ":"
                                    + e.path("data").path("kind").asText() + ":"
                                    + e.path("data").path("threshold").asText()))
                    .containsExactly("quarter:threshold:50", "month:threshold:50");
            assertThat(sent.stream().map(e -> e.path("data").path("periodStart").asText()))
                    .containsOnly(
                            quarter.atStartOfDay(ZoneOffset.UTC).toInstant().toString());
            assertThat(sent.stream().map(e -> e.path("data").path("periodEnd").asText()))
                    .containsExactly(
                            quarter.plusMonths(3)
                                    .atStartOfDay(ZoneOffset.UTC)
                                    .toInstant()
                                    .toString(),
                            quarter.plusMonths(1)
                                    .atStartOfDay(ZoneOffset.UTC)
                                    .toInstant()
                                    .toString());
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }

    @Test
    void anAlertRecordedUnderTheOldIdStillDedupesItsPeriodButNotAnotherPeriodStartingTheSameDay() throws Exception {
        Admin.Key key = Admin.newKey();
        LocalDate quarter = nextQuarter();
        // noon on the quarter's third day: too early in the month, as in the quarter, for a projection
        moveTo(quarter.plusDays(2).atTime(12, 0).toInstant(ZoneOffset.UTC));
        try {
            Map<String, Object> body =
                    budget("Old id " + key.keyId().substring(0, 8), "key", key.keyId(), "quarter", "0.0005", "alert");
            body.put("thresholds", List.of(50));
            String budgetId = createBudget(body);
            // the quarter's 50 % alert, as an instance before this change recorded it (and Kafka acknowledged it)
            String oldId = "budget:" + budgetId + ":" + quarter + ":threshold:50";
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps =
                            c.prepareStatement("INSERT INTO budget_alert (id, budget_id, kind, event, published_at) "
                                    + "VALUES (?, ?::uuid, 'threshold', ?::jsonb, now())")) {
                ps.setString(1, oldId);
                ps.setString(2, budgetId);
                ps.setString(
                        3,
                        "{\"id\":\"" + oldId + "\",\"data\":{\"kind\":\"threshold\",\"period\":\"quarter\","
                                + "\"budgetId\":\"" + budgetId + "\",\"threshold\":50}}");
                ps.executeUpdate();
            }
            assertThat(openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> statuses.current().stream()
                            .anyMatch(s -> s.budgetId().toString().equals(budgetId) && s.spentNanos() == MINI_CALL));
            // the quarter's 50 % is past, and already sent under the old id: not sent again
            nothingMoreFor(budgetId);
            assertThat(recorded(budgetId)).containsExactly(oldId);

            // the month starting the same day is another period: its 50 % is sent
            body.put("period", "month");
            changeBudget(budgetId, body);
            evaluator.evaluate();
            List<String> ids = recorded(budgetId);
            assertThat(ids).hasSize(2).startsWith(oldId);
            assertThat(ids.get(1)).contains(":month:").endsWith(":threshold:50");
            nothingMoreFor(budgetId);
        } finally {
            clock.reset();
            enforcement.refresh();
        }
    }
}
