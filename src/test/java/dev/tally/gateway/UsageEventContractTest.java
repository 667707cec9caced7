package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tally.access.Access;
import dev.tally.budget.enforce.BudgetEnforcement;
import dev.tally.events.CallOutcome;
import dev.tally.events.CloudEvent;
import dev.tally.events.UsageData;
import dev.tally.events.UsageEventJson;
import dev.tally.events.UsageField;
import dev.tally.gateway.admission.RefusalReason;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;
import dev.tally.rollup.Aggregator;
import dev.tally.rollup.EventDecoder;
import dev.tally.rollup.UsageEvent;

/**
 * The usage event's contract ({@link UsageField}) holds the gateway's writer and the aggregator's
 * decoder together: every way the gateway refuses a call with a known key writes an event that the
 * decoder accepts exactly as the aggregator reads it, with the reason, the key and the key's team;
 * the aggregator counts each in {@code refusal_team_day} by reason, and none goes to the dead-letter
 * queue. An answered call (priced or not) passes the same decoder.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class UsageEventContractTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static UsageEvents events;
    final EventDecoder decoder = new EventDecoder();

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    @Inject
    BudgetEnforcement enforcement;

    @BeforeAll
    static void consumer() {
        events = new UsageEvents();
    }

    @AfterAll
    static void close() {
        events.close();
    }

    @BeforeEach
    void aggregate() {
        aggregator.start();
    }

    static RequestSpecification anthropic(Admin.Key key) {
        return given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON);
    }

    static void budget(Map<String, Object> body) {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/budgets")
                .then()
                .statusCode(201);
    }

    static String body(String model, String content) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\""
                + content + "\"}]}";
    }

    @Test
    void theSchemaIsTheRecordAndTheWriterWritesExactlyItsFieldsInOrder() throws Exception {
        List<String> components = Arrays.stream(UsageData.class.getRecordComponents())
                .map(c -> c.getName())
                .toList();
        assertThat(UsageField.ALL.stream().map(UsageField::json).toList()).isEqualTo(components);

        UsageData d = new UsageData(
                "r",
                UUID.randomUUID().toString(),
                null,
                UUID.randomUUID().toString(),
                null,
                null,
                "messages",
                false,
                401,
                CallOutcome.REJECTED.json,
                0,
                0,
                0,
                0,
                0,
                null,
                false,
                false,
                1,
                null,
                null,
                RefusalReason.REVOKED.wire,
                "code-review",
                "run-1",
                "claude-code");
        JsonNode data = JSON.readTree(UsageEventJson.write(
                        CloudEvent.of("r", "/gw", CloudEvent.USAGE_TYPE, d.teamId(), Instant.EPOCH, d)))
                .path("data");
        List<String> written = new ArrayList<>();
        data.fieldNames().forEachRemaining(written::add);
        assertThat(written).isEqualTo(components);
    }

    @Test
    void everyRefusalOfAKnownKeyIsDecodedAsTheAggregatorReadsItAndCountedByReason() throws SQLException {
        Admin.Key key = Admin.newKey();
        Admin.Key restricted = Admin.anotherKey(key, Map.of("allowedModels", List.of("claude-haiku-4-5")));
        Admin.Key limited = Admin.anotherKey(key, Map.of("requestsPerMinute", 1));
        Admin.Key revoked = Admin.anotherKey(key, Map.of());
        Admin.revokeAndWait(revoked);
        Admin.Key spent = Admin.anotherKey(key, Map.of());
        budget(Map.of("scope", "key", "scopeId", spent.keyId(), "period", "day", "amountUsd", "0", "mode", "block"));
        Admin.Key strict = Admin.anotherKey(key, Map.of());
        budget(Map.of(
                "scope",
                "key",
                "scopeId",
                strict.keyId(),
                "period",
                "day",
                "amountUsd",
                "10",
                "mode",
                "alert",
                "unpriced",
                "block"));
        enforcement.refresh();
        Admin.Key expiring = Admin.anotherKey(
                key, Map.of("expiresAt", Instant.now().plusSeconds(4).toString()));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> anthropic(expiring)
                                .body(body("claude-haiku-4-5", "Hi"))
                                .post("/v1/messages")
                                .statusCode()
                        == 401);

        Map<RefusalReason, Response> refused = new HashMap<>();
        refused.put(
                RefusalReason.REVOKED,
                anthropic(revoked).body(body("claude-haiku-4-5", "Hi")).post("/v1/messages"));
        refused.put(
                RefusalReason.EXPIRED,
                anthropic(expiring).body(body("claude-haiku-4-5", "Hi")).post("/v1/messages"));
        refused.put(
                RefusalReason.MODEL_NOT_ALLOWED,
                anthropic(restricted).body(body("claude-sonnet-4-5", "Hi")).post("/v1/messages"));
        refused.put(
                RefusalReason.BUDGET_EXCEEDED,
                anthropic(spent).body(body("claude-haiku-4-5", "Hi")).post("/v1/messages"));
        refused.put(
                RefusalReason.UNPRICED_MODEL,
                given().header("Authorization", "Bearer " + strict.key())
                        .contentType(ContentType.JSON)
                        .body(body("gpt-unpriced-test", "Hi"))
                        .post("/v1/chat/completions"));
        refused.put(
                RefusalReason.NO_ROUTE,
                anthropic(key).body(body("llama-3.3-70b", "Hi")).post("/v1/messages"));
        refused.put(
                RefusalReason.BAD_REQUEST,
                anthropic(key)
                        .header("x-tally-run-id", "not a run id")
                        .body(body("claude-haiku-4-5", "Hi"))
                        .post("/v1/messages"));
        refused.put(
                RefusalReason.WORKLOAD_NOT_ALLOWED,
                anthropic(key)
                        .header("x-tally-workload", "nightly-loop")
                        .body(body("claude-haiku-4-5", "Hi"))
                        .post("/v1/messages"));
        refused.put(
                RefusalReason.TOO_LARGE,
                anthropic(key)
                        .body(body("claude-haiku-4-5", "x".repeat(1100 * 1024)))
                        .post("/v1/messages"));
        assertThat(anthropic(limited)
                        .body(body("claude-haiku-4-5", "Hi"))
                        .post("/v1/messages")
                        .statusCode())
                .isEqualTo(200);
        refused.put(
                RefusalReason.RATE_LIMITED,
                anthropic(limited).body(body("claude-haiku-4-5", "Hi")).post("/v1/messages"));

        Map<String, Long> expected = new HashMap<>();
        for (Map.Entry<RefusalReason, Response> r : refused.entrySet()) {
            RefusalReason reason = r.getKey();
            assertThat(r.getValue().statusCode()).as("%s", reason).isEqualTo(reason.status);
            String requestId = r.getValue().header("x-request-id");
            UsageEvent e = decode(events.await(requestId));
            assertThat(e.refused()).as("%s", reason).isTrue();
            assertThat(e.refusal()).as("%s", reason).isEqualTo(reason.wire);
            assertThat(e.teamId())
                    .as("%s: counted under the key's team", reason)
                    .hasToString(key.teamId());
            assertThat(e.keyId()).as("%s", reason).isNotNull();
            expected.merge(reason.wire, 1L, Long::sum);
        }

        // the waits above ended on a refused call each: the revoked key's /v1/models, the expired key's message
        expected.merge(RefusalReason.REVOKED.wire, 1L, Long::sum);
        expected.merge(RefusalReason.EXPIRED.wire, 1L, Long::sum);
        long total = expected.values().stream().mapToLong(Long::longValue).sum();

        // the aggregator takes each of them: by reason under the team, none in the dead-letter queue
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(refusals(key.teamId())).isEqualTo(expected));
        assertThat(refusals(key.teamId(), revoked.keyId())).isEqualTo(Map.of(RefusalReason.REVOKED.wire, 2L));

        // the reports and the team's page show them by reason, under the key and its person
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String period = "from=" + today.minusDays(1) + "&to=" + today.plusDays(1);
        JsonPath api = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/reports/refusals?teamId=" + key.teamId() + "&" + period)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(api.getLong("total")).isEqualTo(total);
        assertThat(api.getList("rows.findAll { it.keyId == '" + revoked.keyId() + "' }.reasonLabel"))
                .containsExactly(RefusalReason.REVOKED.label);
        String page = Access.leader()
                .get("/teams/" + key.teamId() + "?" + period)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page).contains("Refused calls");
        for (RefusalReason reason : refused.keySet()) {
            assertThat(page).as("the team page names %s", reason).contains("<td>" + reason.label + "</td>");
        }
        String csv = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/reports/refusals?format=csv&teamId=" + key.teamId() + "&" + period)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(csv)
                .startsWith("team_id,team,reason,key_id,key,person,refused_calls\r\n")
                .contains("," + RefusalReason.REVOKED.wire + "," + revoked.keyId() + ",")
                .endsWith("TOTAL,,,,,," + total + "\r\n");
    }

    @Test
    void answeredCallsPassTheSameDecoderPricedOrNot() {
        Admin.Key key = Admin.newKey();
        Response ok = anthropic(key).body(body("claude-haiku-4-5", "Hi")).post("/v1/messages");
        assertThat(ok.statusCode()).isEqualTo(200);
        UsageEvent e = decode(events.await(ok.header("x-request-id")));
        assertThat(e.refused()).isFalse();
        assertThat(e.priced()).isTrue();
        assertThat(e.employeeId()).hasToString(key.employeeId());
        assertThat(e.refusal()).isNull();
    }

    UsageEvent decode(JsonNode event) {
        try {
            return decoder.usage(JSON.writeValueAsString(event).getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
        } catch (Exception e) {
            throw new AssertionError(
                    "the aggregator would send this event to the DLQ: " + e.getMessage() + "\n" + event, e);
        }
    }

    Map<String, Long> refusals(String teamId) throws SQLException {
        return refusals(teamId, null);
    }

    Map<String, Long> refusals(String teamId, String keyId) throws SQLException {
        Map<String, Long> byReason = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT reason, sum(requests) FROM refusal_team_day WHERE team_id = ? AND (?::uuid IS NULL OR key_id = ?::uuid)"
                                + " GROUP BY reason")) {
            ps.setObject(1, UUID.fromString(teamId));
            ps.setString(2, keyId);
            ps.setString(3, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byReason.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return byReason;
    }
}
