package dev.tally.sdk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

import dev.tally.gateway.Admin;
import dev.tally.gateway.FakeProvider;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * Issue 17's "done when", with the real Claude Code CLI (its native binary, pinned in
 * {@code sdk-compat/package-lock.json}) pointed at Tally, whose Anthropic provider is the tests'
 * fake upstream, over real sockets: a prompt whose cost in Tally's report is what Claude Code says
 * it cost, a tool loop, a revoked key and a model outside the key's allow-list that stop at once
 * with Tally's message. Skipped, saying why, where the CLI is not installed.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ClaudeCodeTest {

    static final String MODEL = "claude-sonnet-4-5";

    @RegisterExtension
    static final WhereInstalled CLI = new WhereInstalled(ClaudeCli::missing);

    static String baseUrl() {
        return RestAssured.baseURI + ":" + RestAssured.port;
    }

    /** Claude Code's own figure, in nano-dollars: it adds float dollars, Tally integer nano-dollars. */
    static long nanos(JsonNode totalCostUsd) {
        return new BigDecimal(totalCostUsd.asText())
                .movePointRight(9)
                .setScale(0, RoundingMode.HALF_EVEN)
                .longValueExact();
    }

    /** The usage events of the session, once there is one per request the provider received. */
    static List<JsonNode> eventsOf(String session) {
        int requests = FakeProvider.BY_SESSION.getOrDefault(session, List.of()).size();
        assertThat(requests)
                .as("requests of session %s at the provider", session)
                .isPositive();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> CLI.events().forRun(session).size() >= requests);
        return CLI.events().forRun(session);
    }

    static long teamSpend(String teamId) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/reports/teams/" + teamId + "?from=" + today.minusDays(1) + "&to=" + today.plusDays(1))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("totals.spend_nanos");
    }

    @Test
    void aPromptCostsInTallysReportExactlyWhatClaudeCodeSaysItCost() {
        Admin.Key key = Admin.newKey();
        ClaudeCli.Result r = ClaudeCli.print(baseUrl(), key.key(), "Say hello", "--model", MODEL);
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.json().path("is_error").asBoolean()).as("%s", r).isFalse();
        assertThat(r.text()).isEqualTo("Hello!");

        String session = r.sessionId();
        for (FakeProvider.Seen seen : FakeProvider.BY_SESSION.get(session)) {
            // what Claude Code sent reached the provider: the beta query and headers, Tally's secret
            assertThat(seen.query()).isEqualTo("beta=true");
            assertThat(seen.headers().get("anthropic-beta")).contains("claude-code-20250219");
            assertThat(seen.headers().get("x-api-key")).isEqualTo(FakeProvider.ANTHROPIC_SECRET);
        }
        List<JsonNode> calls = eventsOf(session);
        long recorded = 0;
        for (JsonNode e : calls) {
            JsonNode d = e.path("data");
            assertThat(d.path("outcome").asText()).isEqualTo("ok");
            assertThat(d.path("client").asText()).isEqualTo("claude-code");
            assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
            assertThat(d.path("priced").asBoolean()).isTrue();
            recorded += d.path("costNanos").asLong();
        }
        long claimed = nanos(r.json().path("total_cost_usd"));
        assertThat(recorded)
                .as(
                        "the session's usage events against total_cost_usd %s",
                        r.json().path("total_cost_usd"))
                .isEqualTo(claimed);
        // the same figure once aggregated, in the team's report
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(teamSpend(key.teamId())).isEqualTo(claimed));
    }

    @Test
    void aToolLoopRunsTheCommandAndEveryTurnIsOneEventOfTheSession() {
        Admin.Key key = Admin.newKey();
        ClaudeCli.Result r = ClaudeCli.print(
                baseUrl(),
                key.key(),
                FakeProvider.TOOL_LOOP_PROMPT,
                "--model",
                MODEL,
                "--allowedTools",
                "Bash(" + FakeProvider.TOOL_LOOP_COMMAND + ")");
        assertThat(r.exit()).as("%s", r).isZero();
        // the fake's second answer quotes what the Bash tool printed, so the command really ran
        assertThat(r.text()).isEqualTo("The command printed tally-tool-loop");

        List<FakeProvider.Seen> seen = FakeProvider.BY_SESSION.get(r.sessionId());
        assertThat(seen).hasSize(2);
        // the second request sends the tool's result back for the fake's tool_use block
        assertThat(seen.get(1).body().getJsonArray("messages").encode())
                .contains("\"type\":\"tool_result\"")
                .contains("toolu_01TallyToolLoop")
                .contains("tally-tool-loop");

        List<JsonNode> calls = eventsOf(r.sessionId());
        assertThat(calls).hasSize(2);
        long recorded = calls.stream()
                .mapToLong(e -> e.path("data").path("costNanos").asLong())
                .sum();
        assertThat(recorded).isEqualTo(nanos(r.json().path("total_cost_usd")));
    }

    @Test
    void aRevokedKeyStopsAtTheFirstRequestWithTheRevocationMessage() {
        Admin.Key key = Admin.newKey();
        Admin.revokeAndWait(key);
        long dlqBefore = dlqTotal();
        ClaudeCli.Result r = ClaudeCli.print(baseUrl(), key.key(), "Say hello", "--model", MODEL);
        assertThat(r.exit()).as("%s", r).isNotZero();
        assertThat(r.json().path("is_error").asBoolean()).isTrue();
        assertThat(r.json().path("api_error_status").asInt()).isEqualTo(401);
        assertThat(r.text())
                .contains("this API key was revoked on ")
                .contains("; create a new one at " + baseUrl() + "/me");

        List<JsonNode> refused = requestsOf(key);
        assertThat(refused)
                .as("requests Claude Code made with the revoked key (took %d ms)", r.wallMillis())
                .hasSize(1);
        assertThat(refused.get(0).path("data").path("refusal").asText()).isEqualTo("revoked");
        assertThat(refused.get(0).path("data").path("teamId").asText()).isEqualTo(key.teamId());
        assertThat(refused.get(0).path("data").path("employeeId").asText()).isEqualTo(key.employeeId());
        // counted in the team's refused calls once aggregated, under the key: Claude Code's one request,
        // and this test's own two (the revocation wait's model-list poll and requestsOf's fence)
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(given().auth()
                                .oauth2(TallyServices.ADMIN_TOKEN)
                                .get("/api/reports/refusals?teamId=" + key.teamId() + "&from=" + today.minusDays(1)
                                        + "&to=" + today.plusDays(1))
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath()
                                .getList("rows.collect { [it.reason, it.keyId, it.requests] }"))
                        .containsExactly(List.of("revoked", key.keyId(), 3)));
        assertNothingNewInTheDeadLetterQueue(dlqBefore);
    }

    @Test
    void aModelOutsideTheKeysAllowListStopsAtTheFirstRequestNamingTheAllowedModels() {
        Admin.Key key = Admin.newKeyForModels(List.of("claude-haiku-4-5"));
        ClaudeCli.Result r = ClaudeCli.print(baseUrl(), key.key(), "Say hello", "--model", MODEL);
        assertThat(r.exit()).as("%s", r).isNotZero();
        assertThat(r.json().path("api_error_status").asInt()).isEqualTo(403);
        assertThat(r.text()).contains("model claude-sonnet-4-5 is not allowed for this key; allowed: claude-haiku-4-5");

        List<JsonNode> refused = requestsOf(key);
        assertThat(refused)
                .as("requests Claude Code made (took %d ms)", r.wallMillis())
                .hasSize(1);
        assertThat(refused.get(0).path("data").path("refusal").asText()).isEqualTo("model_not_allowed");
        assertThat(refused.get(0).path("data").path("model").asText()).isEqualTo(MODEL);
    }

    /** Every event of the key's calls so far, up to a Messages API call of the test's own (the fence). */
    static List<JsonNode> requestsOf(Admin.Key key) {
        List<JsonNode> all = CLI.events()
                .forKeyBefore(
                        key.keyId(),
                        () -> given().header("x-api-key", key.key())
                                .header("anthropic-version", "2023-06-01")
                                .contentType(ContentType.JSON)
                                .body("{\"model\":\"" + MODEL + "\",\"max_tokens\":1,\"messages\":[]}")
                                .post("/v1/messages")
                                .header("x-request-id"));
        // the model list is not Claude Code's: it is Admin.revokeAndWait's poll, refused and recorded too
        return all.stream()
                .filter(e -> !"models".equals(e.path("data").path("api").asText()))
                .toList();
    }

    static long dlqTotal() {
        return given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/reports/operations")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("pipeline.dlqTotal");
    }

    /** The refusals were decoded and counted: the aggregator sent none of them to the dead-letter queue. */
    static void assertNothingNewInTheDeadLetterQueue(long before) {
        assertThat(Map.of("dlq", dlqTotal())).isEqualTo(Map.of("dlq", before));
    }
}
