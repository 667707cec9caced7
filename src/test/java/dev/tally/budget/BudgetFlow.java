package dev.tally.budget;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.tally.access.Access;
import dev.tally.access.MovableClock;
import dev.tally.alert.channel.Receiver;
import dev.tally.budget.alert.AlertEvaluator;
import dev.tally.budget.enforce.BudgetEnforcement;
import dev.tally.events.EventPublisher;
import dev.tally.events.Topics;
import dev.tally.gateway.Admin;
import dev.tally.gateway.UsageEvents;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/**
 * What the tests that drive budgets through the real gateway share: consumers of the usage and alerts
 * topics, a real webhook receiver, the budget admin API, calls in both formats, and the checks that an
 * alert is not sent again.
 */
abstract class BudgetFlow {

    /** What one gpt-4o-mini answer of the fake provider costs (max_tokens 400 or none). */
    static final long MINI_CALL = 283_200L;

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

    /** A budget's body with its required fields; a mutable map, for the optional ones. */
    static Map<String, Object> budget(
            String name, String scope, String scopeId, String period, String usd, String mode) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("scope", scope);
        body.put("scopeId", scopeId);
        body.put("period", period);
        body.put("amountUsd", usd);
        body.put("mode", mode);
        return body;
    }

    static String createBudget(Map<String, Object> body) {
        return BudgetAdminTest.post(body).statusCode(201).extract().path("id");
    }

    /** A webhook channel to its own path on a receiver, its deliveries signed with its own secret. */
    record Hook(Receiver receiver, String path, String secret, String channelId) {

        static Hook on(Receiver receiver, String name) {
            String path = "/" + name + "/" + UUID.randomUUID();
            String secret = name + "-secret-" + UUID.randomUUID();
            return new Hook(receiver, path, secret, Admin.newChannel(receiver.url(path), secret));
        }
    }

    static Response openAi(Admin.Key key, String model, boolean stream) {
        return given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"max_tokens\":400,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
    }

    static Response anthropic(Admin.Key key, String model, boolean stream, String marker) {
        return given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"stream\":" + stream
                        + ",\"max_tokens\":400,\"metadata\":{\"user_id\":\"" + marker
                        + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
    }

    /** One budget's row of the budgets report. */
    static Map<String, Object> budgetReport(String budgetId) {
        JsonPath report = Access.leader()
                .get("/api/reports/budgets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        return report.getMap("budgets.find { it.budgetId == '" + budgetId + "' }");
    }

    /**
     * The state cell of the budget named {@code name} on a page's budgets table: its class and label,
     * e.g. {@code downgrading: downgrading}; null when the page has no such row.
     */
    static String stateOnPage(String html, String name) {
        int row = html.indexOf("<tr><td>" + name + "</td>");
        if (row < 0) {
            return null;
        }
        Matcher m = Pattern.compile("<span class=\"state ([^\"]*)\">([^<]*)</span>")
                .matcher(html.substring(row, html.indexOf("</tr>", row)));
        return m.find() ? m.group(1) + ": " + m.group(2) : null;
    }

    /** The alerts of one budget on the alerts topic so far. */
    static List<JsonNode> alertsOf(String budgetId) {
        return alerts.all().stream()
                .filter(e -> budgetId.equals(e.path("data").path("budgetId").asText()))
                .toList();
    }

    /** The data of every delivery to the hook so far, each checked against the channel's signature. */
    List<JsonNode> delivered(Hook hook) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (Receiver.Request r : hook.receiver().requests(hook.path())) {
            assertThat(r.header("X-Tally-Signature-256")).isEqualTo(Receiver.signature(hook.secret(), r.body()));
            out.add(json.readTree(r.body()).path("data"));
        }
        return out;
    }

    /** Each alert's {@code kind:threshold}. */
    static List<String> kinds(List<JsonNode> data) {
        return data.stream()
                .map(d -> d.path("kind").asText() + ":" + d.path("threshold").asText())
                .toList();
    }

    /**
     * Evaluating again, here or on another instance (a second evaluator on the same database, as after a
     * restart), records and sends nothing more for the budget: the dedupe is the alert's row in PostgreSQL.
     */
    void nothingMoreFor(String budgetId) throws SQLException {
        assertThat(evaluator.evaluate())
                .noneMatch(e -> e.data().budgetId().toString().equals(budgetId));
        AlertEvaluator another =
                new AlertEvaluator(dataSource, store, statuses, calendar, config, clock, roles, publisher, json);
        assertThat(another.evaluate())
                .noneMatch(e -> e.data().budgetId().toString().equals(budgetId));
    }

    /**
     * Each alert of a budget recorded in PostgreSQL (the evaluator records them all before it publishes
     * any), as {@code kind:threshold}, sorted.
     */
    List<String> recorded(String budgetId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT kind || ':' || coalesce(event->'data'->>'threshold', 'null') "
                                + "FROM budget_alert WHERE budget_id = ?::uuid ORDER BY 1")) {
            ps.setString(1, budgetId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** The ids of a budget's spike alerts recorded in PostgreSQL, the dedupe every instance shares. */
    List<String> spikesRecorded(String budgetId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT id FROM budget_alert WHERE budget_id = ?::uuid AND kind = 'spike' ORDER BY id")) {
            ps.setString(1, budgetId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }
}
