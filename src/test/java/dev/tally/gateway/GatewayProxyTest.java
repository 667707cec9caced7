package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * Calls through the real gateway to the fake provider, both APIs, JSON and SSE, and reads the usage
 * events back from the real broker: exact tokens by kind and exact cost from the catalog.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class GatewayProxyTest {

    /** Metrics are on the management interface, not the public port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    static UsageEvents events;

    @BeforeAll
    static void consumer() {
        events = new UsageEvents();
    }

    @AfterAll
    static void close() {
        events.close();
    }

    static String marker() {
        return "m-" + UUID.randomUUID();
    }

    @Test
    void openAiJsonIsForwardedWithTheProvidersSecretAndCountedExactly() {
        Admin.Key key = Admin.newKey();
        String marker = marker();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .header("OpenAI-Organization", "org-test")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"user\":\"" + marker
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getString("choices[0].message.content")).isEqualTo("Hello there!");
        assertThat(r.jsonPath().getInt("usage.prompt_tokens")).isEqualTo(1200);
        String requestId = r.header("x-request-id");
        assertThat(requestId).isNotBlank();
        assertThat(r.header("x-upstream-request-id")).isEqualTo("req_upstream_openai");
        assertThat(r.header("x-ratelimit-remaining-requests")).isEqualTo("99");

        FakeProvider.Seen seen = FakeProvider.BY_MARKER.get(marker);
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + FakeProvider.OPENAI_SECRET);
        assertThat(seen.headers().get("x-api-key")).isNull();
        assertThat(seen.headers().get("openai-organization")).isEqualTo("org-test");
        assertThat(seen.body().getString("model")).isEqualTo("gpt-4o-mini");
        assertThat(seen.body().containsKey("stream_options")).isFalse();

        JsonNode e = events.await(requestId);
        assertThat(events.kafkaKey(requestId)).isEqualTo(key.teamId());
        assertThat(e.path("type").asText()).isEqualTo("dev.tally.usage.v1");
        assertThat(e.path("subject").asText()).isEqualTo(key.teamId());
        JsonNode d = e.path("data");
        assertThat(d.path("requestId").asText()).isEqualTo(requestId);
        assertThat(d.path("keyId").asText()).isEqualTo(key.keyId());
        assertThat(d.path("employeeId").asText()).isEqualTo(key.employeeId());
        assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
        assertThat(d.path("provider").asText()).isEqualTo("openai");
        assertThat(d.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(d.path("api").asText()).isEqualTo("chat.completions");
        assertThat(d.path("stream").asBoolean()).isFalse();
        assertThat(d.path("status").asInt()).isEqualTo(200);
        assertThat(d.path("outcome").asText()).isEqualTo("ok");
        // prompt_tokens 1200 includes cached_tokens 1024: input 176, cache read 1024, each counted once
        assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(1024);
        assertThat(d.path("cacheWriteTokens").asLong()).isZero();
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
        assertThat(d.path("reasoningTokens").asLong()).isEqualTo(64);
        // gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out per MTok = 150, 75, 600 nano-dollars a token
        assertThat(d.path("costNanos").asLong()).isEqualTo(176 * 150 + 1024 * 75 + 300 * 600);
        assertThat(d.path("priced").asBoolean()).isTrue();
        assertThat(d.path("estimated").asBoolean()).isFalse();
        assertThat(events.count(requestId)).isEqualTo(1);

        String metrics = given().get(metricsUrl).asString();
        assertThat(metrics)
                .containsPattern(
                        "tally_gateway_requests_total\\{[^}]*model=\"gpt-4o-mini\"[^}]*outcome=\"ok\"[^}]*team=\""
                                + key.teamId() + "\"[^}]*} 1\\.0");
        assertThat(metrics)
                .containsPattern(
                        "tally_gateway_cost_nanodollars_total\\{[^}]*team=\"" + key.teamId() + "\"[^}]*} 283200\\.0");
        // the key cache's size is published (a soak run watches it stay flat): at least this key
        Matcher cached = Pattern.compile("(?m)^tally_gateway_keys_cached(?:\\{[^}]*})? (\\S+)$")
                .matcher(metrics);
        assertThat(cached.find()).as("tally_gateway_keys_cached in the metrics").isTrue();
        assertThat(Double.parseDouble(cached.group(1))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void openAiStreamGetsUsageTheClientDidNotAskForAndDoesNotShowIt() {
        Admin.Key key = Admin.newKey();
        String marker = marker();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"user\":\"" + marker
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        String body = r.asString();
        assertThat(body)
                .contains("\"content\":\"Hello\"")
                .contains("\"finish_reason\":\"stop\"")
                .endsWith("data: [DONE]\n\n");
        assertThat(body).doesNotContain("\"choices\":[]").doesNotContain("prompt_tokens");
        assertThat(FakeProvider.BY_MARKER
                        .get(marker)
                        .body()
                        .getJsonObject("stream_options")
                        .getBoolean("include_usage"))
                .isTrue();

        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("stream").asBoolean()).isTrue();
        assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(1024);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
        assertThat(d.path("reasoningTokens").asLong()).isEqualTo(64);
        assertThat(d.path("costNanos").asLong()).isEqualTo(283_200);
        assertThat(d.path("ttftMs").isNumber()).isTrue();
    }

    @Test
    void aStreamWhoseLastEventHasNoBlankLineEndsWithThatEventAndIsCounted() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini-unterminated\",\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        String body = r.asString();
        // the gateway held the unfinished event back (it filters the usage chunk) and sent it at the end
        assertThat(body).contains("\"finish_reason\":\"stop\"").endsWith("}\n\ndata: [DONE]");
        assertThat(body).doesNotContain("\"choices\":[]");

        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
        assertThat(d.path("outcome").asText()).isEqualTo("ok");
    }

    @Test
    void openAiStreamKeepsTheUsageChunkWhenTheClientAskedForIt() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("x-api-key", key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":1200");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("costNanos").asLong()).isEqualTo(283_200);
    }

    @Test
    void responsesApiJsonIsForwardedAndCountedExactly() {
        Admin.Key key = Admin.newKey();
        String marker = marker();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"user\":\"" + marker
                        + "\",\"input\":\"Hi\",\"max_output_tokens\":500}")
                .post("/v1/responses");
        assertThat(r.statusCode()).isEqualTo(200);
        // each created response has its own id (as OpenAI gives), the rest is the fake's answer unchanged
        assertThat(r.jsonPath().getString("id")).matches("resp_[0-9a-f]{48}");
        assertThat(r.asString())
                .isEqualTo(FakeProvider.responseObject("gpt-4o-mini", "completed", FakeProvider.RESPONSES_USAGE)
                        .replace(FakeProvider.RESPONSE_ID, r.jsonPath().getString("id")));
        assertThat(r.header("x-upstream-request-id")).isEqualTo("req_upstream_responses");
        FakeProvider.Seen seen = FakeProvider.BY_MARKER.get(marker);
        assertThat(seen.path()).isEqualTo("/v1/responses");
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + FakeProvider.OPENAI_SECRET);
        assertThat(seen.body().containsKey("stream_options")).isFalse();

        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo("responses");
        assertThat(d.path("provider").asText()).isEqualTo("openai");
        assertThat(d.path("stream").asBoolean()).isFalse();
        // input_tokens 1200 includes cached_tokens 1024: input 176, cache read 1024, each counted once
        assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(1024);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
        assertThat(d.path("reasoningTokens").asLong()).isEqualTo(64);
        assertThat(d.path("costNanos").asLong()).isEqualTo(176 * 150 + 1024 * 75 + 300 * 600);
        assertThat(d.path("estimated").asBoolean()).isFalse();
        assertThat(events.count(r.header("x-request-id"))).isEqualTo(1);
    }

    @Test
    void aResponsesApiCompactionIsForwardedAndCountedAsTheCallItIs() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"input\":[{\"role\":\"user\",\"content\":\"a long session\"}]}")
                .post("/v1/responses/compact");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getString("object")).isEqualTo("response.compaction");
        assertThat(r.jsonPath().getString("output[0].type")).isEqualTo("compaction");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo("responses.compact");
        assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(1024);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
        assertThat(d.path("costNanos").asLong()).isEqualTo(283_200);
    }

    @Test
    void responsesApiStreamPassesThroughUntouchedAndIsCountedFromResponseCompleted() {
        for (String model : List.of("gpt-4o-mini", "gpt-4o-mini-metadata")) {
            Admin.Key key = Admin.newKey();
            Response r = given().header("Authorization", "Bearer " + key.key())
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"" + model + "\",\"stream\":true,\"input\":\"Hi\"}")
                    .post("/v1/responses");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("text/event-stream");
            String body = r.asString();
            assertThat(body)
                    .startsWith("event: response.created\ndata: {\"type\":\"response.created\"")
                    .contains("\"delta\":\"Hello\"")
                    .endsWith("\"usage\":" + FakeProvider.RESPONSES_USAGE + "}}\n\n")
                    .doesNotContain("[DONE]");

            JsonNode d = events.await(r.header("x-request-id")).path("data");
            assertThat(d.path("api").asText()).as(model).isEqualTo("responses");
            assertThat(d.path("stream").asBoolean()).isTrue();
            assertThat(d.path("inputTokens").asLong()).as(model).isEqualTo(176);
            assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(1024);
            assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
            assertThat(d.path("reasoningTokens").asLong()).isEqualTo(64);
            assertThat(d.path("estimated").asBoolean()).isFalse();
            assertThat(d.path("ttftMs").isNumber()).isTrue();
        }
    }

    @Test
    void aBadResponsesApiCallIsRefusedInOpenAisErrorShape() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"input\":\"Hi\"}")
                .post("/v1/responses");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("error.message")).isEqualTo("model: is required");
        assertThat(r.jsonPath().getString("error.param")).isEqualTo("model");
        assertThat(r.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");
    }

    @Test
    void anotherPathUnderV1IsA404AndAWrongMethodA405InTheCallersFormat() {
        int before = FakeProvider.REQUESTS.get();
        // the Conversations API is served now (ConversationsTest); the Files API is not
        Response openai = given().get("/v1/files/file-abc123");
        assertThat(openai.statusCode()).isEqualTo(404);
        assertThat(openai.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(openai.jsonPath().getString("error.code")).isEqualTo("not_found");
        assertThat(openai.jsonPath().getString("error.message"))
                .startsWith("the Tally gateway does not serve GET /v1/files/file-abc123")
                .contains("POST /v1/responses", "POST /v1/messages", "GET /v1/models");
        assertThat(openai.header("x-request-id")).isNotBlank();

        Response anthropic = given().header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/messages/batches");
        assertThat(anthropic.statusCode()).isEqualTo(404);
        assertThat(anthropic.jsonPath().getString("type")).isEqualTo("error");
        assertThat(anthropic.jsonPath().getString("error.type")).isEqualTo("not_found_error");
        assertThat(anthropic.header("request-id"))
                .isEqualTo(anthropic.jsonPath().getString("request_id"));

        Response wrongMethod = given().get("/v1/chat/completions");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.header("allow")).isEqualTo("POST");
        assertThat(wrongMethod.header("x-should-retry")).isEqualTo("false");
        assertThat(wrongMethod.jsonPath().getString("error.code")).isEqualTo("method_not_allowed");
        assertThat(wrongMethod.jsonPath().getString("error.message"))
                .isEqualTo("/v1/chat/completions takes POST, not GET");
        assertThat(FakeProvider.REQUESTS.get())
                .as("nothing reached the provider")
                .isEqualTo(before);
    }

    @Test
    void anthropicJsonCountsCacheWritesAndReadsBesideInput() {
        Admin.Key key = Admin.newKey();
        String marker = marker();
        Response r = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "prompt-caching-2024-07-31")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,\"metadata\":{\"user_id\":\"" + marker
                        + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getString("content[0].text")).isEqualTo("Hello there!");
        assertThat(r.header("request-id")).isEqualTo("req_upstream_anthropic");
        assertThat(r.header("anthropic-ratelimit-requests-remaining")).isEqualTo("49");

        FakeProvider.Seen seen = FakeProvider.BY_MARKER.get(marker);
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.headers().get("x-api-key")).isEqualTo(FakeProvider.ANTHROPIC_SECRET);
        assertThat(seen.headers().get("authorization")).isNull();
        assertThat(seen.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(seen.headers().get("anthropic-beta")).isEqualTo("prompt-caching-2024-07-31");

        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertAnthropicUsage(d);
        assertThat(d.path("provider").asText()).isEqualTo("anthropic");
        assertThat(d.path("api").asText()).isEqualTo("messages");
        assertThat(d.path("estimated").asBoolean()).isFalse();
    }

    @Test
    void claudeCodeShapedStreamPassesThroughAndIsCountedFromMessageStartAndDelta() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14")
                .header("user-agent", "claude-cli/2.0.0 (external, cli)")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":32000,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\","
                        + "\"cache_control\":{\"type\":\"ephemeral\"}}]}]}")
                .post("/v1/messages");
        assertThat(r.statusCode()).isEqualTo(200);
        String body = r.asString();
        assertThat(body)
                .startsWith("event: message_start\n")
                .contains("event: message_delta")
                .endsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("stream").asBoolean()).isTrue();
        assertAnthropicUsage(d);
    }

    static final String SESSION = "c4b0ed36-f880-43ae-830d-60b2958f5d9c";

    /** A Claude Code call as the CLI sends it (2.1.332): query, headers, session. */
    static RequestSpecification claudeCode(Admin.Key key) {
        return claudeCode(key, SESSION);
    }

    static RequestSpecification claudeCode(Admin.Key key, String session) {
        return given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "claude-code-20250219,interleaved-thinking-2025-05-14")
                .header("user-agent", "claude-cli/2.1.332 (external, sdk-cli)")
                .header("x-app", "cli")
                .header("X-Claude-Code-Session-Id", session)
                .header("x-stainless-lang", "js")
                .header("x-stainless-package-version", "0.128.0")
                .header("x-stainless-retry-count", "0")
                .contentType(ContentType.JSON);
    }

    static String claudeCodeBody(String marker) {
        return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":32000,\"stream\":true,\"metadata\":{\"user_id\":\""
                + marker + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    @Test
    void claudeCodesBetaQueryAndHeadersReachTheProviderAndItsSessionIsTheRun() {
        Admin.Key key = Admin.newKey();
        String marker = marker();
        double droppedBefore = droppedQueryParams();
        Response r = claudeCode(key).body(claudeCodeBody(marker)).post("/v1/messages?beta=true&utm_source=x&trace");
        assertThat(r.statusCode()).isEqualTo(200);

        FakeProvider.Seen seen = FakeProvider.BY_MARKER.get(marker);
        assertThat(seen.path()).isEqualTo("/v1/messages");
        // beta is documented and forwarded as it came; the two unknown parameters are dropped and counted
        assertThat(seen.query()).isEqualTo("beta=true");
        assertThat(droppedQueryParams() - droppedBefore).isEqualTo(2.0);
        assertThat(seen.headers().get("anthropic-beta"))
                .isEqualTo("claude-code-20250219,interleaved-thinking-2025-05-14");
        assertThat(seen.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(seen.headers().get("user-agent")).isEqualTo("claude-cli/2.1.332 (external, sdk-cli)");
        assertThat(seen.headers().get("x-app")).isEqualTo("cli");
        assertThat(seen.headers().get("x-claude-code-session-id")).isEqualTo(SESSION);
        assertThat(seen.headers().get("x-stainless-lang")).isEqualTo("js");
        assertThat(seen.headers().get("x-stainless-package-version")).isEqualTo("0.128.0");
        assertThat(seen.headers().get("x-stainless-retry-count")).isEqualTo("0");
        assertThat(seen.headers().get("x-api-key")).isEqualTo(FakeProvider.ANTHROPIC_SECRET);

        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("runId").asText()).isEqualTo(SESSION);
        assertThat(d.path("client").asText()).isEqualTo("claude-code");
        assertThat(d.path("refusal").isNull()).isTrue();
        assertAnthropicUsage(d);
    }

    @Test
    void aQueryWithNothingForwardableReachesTheProviderWithoutOne() {
        Admin.Key key = Admin.newKey();
        String marker = marker();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"user\":\"" + marker + "\",\"messages\":[]}")
                .post("/v1/chat/completions?debug=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(FakeProvider.BY_MARKER.get(marker).query()).isNull();
    }

    @Test
    void anExplicitRunIdWinsOverTheSessionAndAMalformedOneIsRefused() {
        Admin.Key key = Admin.newKey();
        Response r = claudeCode(key)
                .header("x-tally-run-id", "nightly-flaky:2026-06-01")
                .body(claudeCodeBody(marker()))
                .post("/v1/messages?beta=true");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(events.await(r.header("x-request-id"))
                        .path("data")
                        .path("runId")
                        .asText())
                .isEqualTo("nightly-flaky:2026-06-01");

        Response bad = claudeCode(key)
                .header("x-tally-run-id", "run with spaces")
                .body(claudeCodeBody(marker()))
                .post("/v1/messages?beta=true");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.header("x-should-retry")).isEqualTo("false");
        assertThat(bad.jsonPath().getString("error.message")).contains("x-tally-run-id must be 1 to 128 characters");
        JsonNode refused = events.await(bad.header("x-request-id")).path("data");
        assertThat(refused.path("outcome").asText()).isEqualTo("rejected");
        assertThat(refused.path("refusal").asText()).isEqualTo("bad_request");

        // a session id Tally cannot record is not the caller's fault: the call goes through without a run
        Response odd =
                claudeCode(key, "x".repeat(200)).body(claudeCodeBody(marker())).post("/v1/messages");
        assertThat(odd.statusCode()).isEqualTo(200);
        assertThat(events.await(odd.header("x-request-id"))
                        .path("data")
                        .path("runId")
                        .isNull())
                .isTrue();
    }

    double droppedQueryParams() {
        String metrics =
                given().get(metricsUrl).then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("tally_gateway_query_params_dropped_total\\{api=\"messages\"[^}]*} (\\S+)")
                .matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static void assertAnthropicUsage(JsonNode d) {
        assertThat(d.path("inputTokens").asLong()).isEqualTo(50);
        assertThat(d.path("cacheWriteTokens").asLong()).isEqualTo(1000);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(2000);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(400);
        assertThat(d.path("reasoningTokens").asLong()).isZero();
        // claude-sonnet-4-5: $3 in, $3.75 5m write, $6 1h write, $0.30 read, $15 out per MTok
        assertThat(d.path("costNanos").asLong())
                .isEqualTo(50 * 3000 + 800 * 3750 + 200 * 6000 + 2000 * 300 + 400 * 15000);
        assertThat(d.path("priced").asBoolean()).isTrue();
    }

    @Test
    void embeddingsAreCountedAsInput() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}")
                .post("/v1/embeddings");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo("embeddings");
        assertThat(d.path("inputTokens").asLong()).isEqualTo(8);
        assertThat(d.path("outputTokens").asLong()).isZero();
        assertThat(d.path("costNanos").asLong()).isEqualTo(8 * 20);
    }

    @Test
    void aLargeJsonBodyInManyChunksArrivesWholeAndIsCounted() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"text-embedding-3-small\",\"input\":\"many\"}")
                .post("/v1/embeddings");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).isEqualTo(FakeProvider.bigEmbeddings("text-embedding-3-small"));
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("inputTokens").asLong()).isEqualTo(512);
        assertThat(d.path("costNanos").asLong()).isEqualTo(512 * 20);
    }

    @Test
    void countTokensIsForwardedAndRecordedAsFree() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages/count_tokens");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getInt("input_tokens")).isEqualTo(1234);
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo("messages.count_tokens");
        assertThat(d.path("inputTokens").asLong()).isZero();
        assertThat(d.path("costNanos").asLong()).isZero();
        assertThat(d.path("priced").asBoolean()).isTrue();
    }

    @Test
    void unknownModelIsUnpricedNeverZero() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-unlisted-" + UUID.randomUUID() + "\",\"messages\":[]}")
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
        assertThat(d.path("priced").asBoolean()).isFalse();
        assertThat(d.path("costNanos").isNull()).isTrue();
    }

    @Test
    void adminPriceOverrideAppliesToTheNextCall() {
        Admin.Key key = Admin.newKey();
        String model = "gpt-override-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(
                        "{\"input\":\"1\",\"output\":\"2\",\"cacheRead\":\"0.5\",\"cacheWrite\":\"1\",\"note\":\"negotiated\"}")
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200);
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"messages\":[]}")
                .post("/v1/chat/completions");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("priced").asBoolean()).isTrue();
        assertThat(d.path("costNanos").asLong()).isEqualTo(176 * 1000 + 1024 * 500 + 300 * 2000);
    }

    @Test
    void aPriceAboveTheMaximumIsRefusedWithTheFieldNamedAndNotStored() {
        String model = "gpt-dear-" + UUID.randomUUID().toString().substring(0, 8);
        // $10^9 per million tokens fitted a long (10^18 nano-dollars) but a call's cost did not
        Response tooDear = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"input\":\"1\",\"output\":\"1000000000\",\"cacheRead\":\"1\",\"cacheWrite\":\"1\"}")
                .put("/api/admin/prices/" + model);
        assertThat(tooDear.statusCode()).isEqualTo(400);
        assertThat(tooDear.contentType()).startsWith("application/problem+json");
        assertThat(tooDear.jsonPath().getString("detail"))
                .isEqualTo("output: 1000000000 USD per million tokens is above the maximum of 1000000");
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/prices/" + model)
                .then()
                .statusCode(404);
        // one nano-dollar over the maximum is refused; the maximum itself is a price
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"input\":\"1\",\"output\":\"1\",\"cacheRead\":\"1000000.000000001\",\"cacheWrite\":\"1\"}")
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("cacheRead: "));
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"input\":\"1000000\",\"output\":\"1000000\",\"cacheRead\":\"1000000\","
                        + "\"cacheWrite\":\"1000000\",\"cacheWrite1h\":\"1000000\"}")
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200)
                .body("output", org.hamcrest.Matchers.equalTo("1000000"));
    }

    @Test
    void aPriceAsGetAnswersItGoesBackInAPutWithItsReadOnlyFieldsIgnored() {
        String model = "gpt-trip-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"input\":\"1\",\"output\":\"2\",\"cacheRead\":\"0.5\",\"cacheWrite\":\"1\"}")
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200);
        java.util.Map<String, Object> got = new java.util.HashMap<>(given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/prices/" + model)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap(""));
        assertThat(got).containsKeys("model", "source", "overridden");
        got.put("output", "4");
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(got)
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200)
                .body("output", org.hamcrest.Matchers.equalTo("4"))
                .body("input", org.hamcrest.Matchers.equalTo("1"));
    }

    @Test
    void aMisspeltPriceFieldIsRefusedWithItsNameAndNothingIsStoredOrChanged() {
        String model = "gpt-typo-" + UUID.randomUUID().toString().substring(0, 8);
        // "cacheWrite1h" misspelt: the 1-hour cache write would have been priced as the 5-minute one
        Response created = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"input\":\"1\",\"output\":\"2\",\"cacheRead\":\"0.5\",\"cacheWrite\":\"1\","
                        + "\"cacheWrite1hr\":\"2\"}")
                .put("/api/admin/prices/" + model);
        assertThat(created.statusCode()).isEqualTo(400);
        assertThat(created.contentType()).startsWith("application/problem+json");
        assertThat(created.jsonPath().getString("detail"))
                .isEqualTo("cacheWrite1hr: unknown field; expected one of "
                        + "cacheRead, cacheWrite, cacheWrite1h, input, longContext, note, output");
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/prices/" + model)
                .then()
                .statusCode(404);

        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"input\":\"1\",\"output\":\"2\",\"cacheRead\":\"0.5\",\"cacheWrite\":\"1\"}")
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200);
        Response changed = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"input\":\"3\",\"output\":\"6\",\"cacheRead\":\"1.5\",\"cacheWrite\":\"3\","
                        + "\"longContext\":{\"threshold\":1000,\"input\":\"3\",\"output\":\"6\","
                        + "\"cacheRead\":\"1.5\",\"cacheWrite\":\"3\"}}")
                .put("/api/admin/prices/" + model);
        assertThat(changed.statusCode()).isEqualTo(400);
        assertThat(changed.contentType()).startsWith("application/problem+json");
        assertThat(changed.jsonPath().getString("detail"))
                .startsWith("longContext.threshold: unknown field; expected one of ")
                .contains("thresholdTokens");
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/prices/" + model)
                .then()
                .statusCode(200)
                .body("input", org.hamcrest.Matchers.equalTo("1"))
                .body("longContext", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void anOverridesLongContextPriceAppliesToACallPastItsThreshold() {
        Admin.Key key = Admin.newKey();
        String past = "gpt-long-" + UUID.randomUUID().toString().substring(0, 8);
        String at = "gpt-long-" + UUID.randomUUID().toString().substring(0, 8);
        // the fake's answer has a prompt of 1,200 tokens (176 input + 1,024 cached): past 1,000, not past 1,200
        for (String[] m : new String[][] {{past, "1000"}, {at, "1200"}}) {
            given().auth()
                    .oauth2(TallyServices.ADMIN_TOKEN)
                    .contentType(ContentType.JSON)
                    .body("{\"input\":\"1\",\"output\":\"2\",\"cacheRead\":\"0.5\",\"cacheWrite\":\"1\","
                            + "\"longContext\":{\"thresholdTokens\":" + m[1]
                            + ",\"input\":\"3\",\"output\":\"6\",\"cacheRead\":\"1.5\",\"cacheWrite\":\"3\"}}")
                    .put("/api/admin/prices/" + m[0])
                    .then()
                    .statusCode(200)
                    .body("longContextThresholdTokens", org.hamcrest.Matchers.equalTo(Integer.parseInt(m[1])))
                    .body("longContext.output", org.hamcrest.Matchers.equalTo("6"))
                    .body("longContext.cacheWrite1h", org.hamcrest.Matchers.equalTo("3"));
        }
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + past + "\",\"messages\":[]}")
                .post("/v1/chat/completions");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("costNanos").asLong()).isEqualTo(176 * 3000 + 1024 * 1500 + 300 * 6000);
        Response base = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + at + "\",\"messages\":[]}")
                .post("/v1/chat/completions");
        JsonNode b = events.await(base.header("x-request-id")).path("data");
        assertThat(b.path("costNanos").asLong()).isEqualTo(176 * 1000 + 1024 * 500 + 300 * 2000);
        // a tier without its threshold, or above the maximum, is refused with its field named
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(
                        "{\"input\":\"1\",\"output\":\"2\",\"cacheRead\":\"0.5\",\"cacheWrite\":\"1\","
                                + "\"longContext\":{\"input\":\"3\",\"output\":\"6\",\"cacheRead\":\"1.5\",\"cacheWrite\":\"3\"}}")
                .put("/api/admin/prices/" + past)
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("longContext.thresholdTokens: "));
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body("{\"input\":\"1\",\"output\":\"2\",\"cacheRead\":\"0.5\",\"cacheWrite\":\"1\","
                        + "\"longContext\":{\"thresholdTokens\":1000,\"input\":\"3\",\"output\":\"2000000\","
                        + "\"cacheRead\":\"1.5\",\"cacheWrite\":\"3\"}}")
                .put("/api/admin/prices/" + past)
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("longContext.output: "));
    }

    @Test
    void modelsListsWhatTheKeyMayUseInTheCallersFormat() {
        Admin.Key key = Admin.newKeyForModels(List.of("gpt-4o-mini", "claude-sonnet-4-5"));
        Response openai = given().header("Authorization", "Bearer " + key.key()).get("/v1/models");
        assertThat(openai.statusCode()).isEqualTo(200);
        assertThat(openai.jsonPath().getString("object")).isEqualTo("list");
        assertThat(openai.jsonPath().getList("data.id")).containsExactlyInAnyOrder("gpt-4o-mini", "claude-sonnet-4-5");
        Response anthropic = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .get("/v1/models");
        assertThat(anthropic.jsonPath().getList("data.type")).containsOnly("model");
        assertThat(anthropic.jsonPath().getBoolean("has_more")).isFalse();
    }

    @Test
    void upstreamErrorIsPassedThroughWithStatusAndBody() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini-ratelimited\",\"messages\":[]}")
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.header("retry-after")).isEqualTo("7");
        assertThat(r.jsonPath().getString("error.code")).isEqualTo("rate_limit_exceeded");
        assertThat(r.header("x-request-id")).isNotEqualTo("req_upstream_429");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("upstream_error");
        assertThat(d.path("status").asInt()).isEqualTo(429);
        assertThat(d.path("inputTokens").asLong()).isZero();
    }
}
