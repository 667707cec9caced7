package dev.tally.sdk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;

import dev.tally.gateway.FakeProvider;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * Issue 3's "done when", as a new user would check it: a team, an employee and a key made through
 * the admin API; the official OpenAI and Anthropic SDKs (pinned in {@code sdk-compat/package.json})
 * and a Claude-Code-shaped raw request pointed at Tally, whose providers are the gateway tests'
 * fake upstream; then the usage events read back from the real broker.
 *
 * <p>The Node scripts run once for the class (a few seconds); each test asserts one behaviour of
 * what the SDKs parsed or what reached Kafka. Skipped, saying why, where Node or the installed SDKs
 * are missing ({@code npm ci --prefix sdk-compat}).
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class SdkCompatibilityTest {

    // Per-token list prices in nano-dollars (USD per million tokens × 1000), from pricing/catalog.yaml.
    static final long GPT_4O_MINI_INPUT = 150;
    static final long GPT_4O_MINI_CACHE_READ = 75;
    static final long GPT_4O_MINI_OUTPUT = 600;
    static final long TEXT_EMBEDDING_3_SMALL_INPUT = 20;
    static final long SONNET_4_5_INPUT = 3_000;
    static final long SONNET_4_5_CACHE_WRITE_5M = 3_750;
    static final long SONNET_4_5_CACHE_WRITE_1H = 6_000;
    static final long SONNET_4_5_CACHE_READ = 300;
    static final long SONNET_4_5_OUTPUT = 15_000;

    /** The calls the provider bills, each of which must produce exactly one "ok" usage event. */
    static final List<String> BILLED = List.of(
            "openai.chat.json",
            "openai.chat.stream",
            "openai.chat.stream_include_usage",
            "openai.responses.json",
            "openai.responses.stream",
            "openai.embeddings.float",
            "anthropic.messages.json",
            "anthropic.messages.bearer.json",
            "anthropic.messages.stream_helper",
            "anthropic.messages.stream_true",
            "raw.claude_code.stream");
    /** Rejected by the gateway with this key: recorded for the key's team as outcome=rejected. */
    static final List<String> REJECTED = List.of(
            "openai.error.unknown_model",
            "anthropic.error.unknown_model",
            "openai.error.malformed_body",
            "anthropic.error.malformed_body",
            "raw.openai.malformed_body",
            "raw.anthropic.malformed_body");

    static final String CLAUDE_CODE_BETA =
            "claude-code-20250219,interleaved-thinking-2025-05-14," + "fine-grained-tool-streaming-2025-05-14";
    /** The fake's stream as it is on the wire, ping included. */
    static final List<String> ANTHROPIC_STREAM_EVENTS = List.of(
            "message_start",
            "content_block_start",
            "ping",
            "content_block_delta",
            "content_block_delta",
            "content_block_stop",
            "message_delta",
            "message_stop");

    record Run(String teamId, String employeeId, String keyId, String key, String marker, Map<String, JsonNode> calls) {
        JsonNode call(String name) {
            JsonNode n = calls.get(name);
            assertThat(n)
                    .as("the scripts printed no line for %s; lines: %s", name, calls.keySet())
                    .isNotNull();
            return n;
        }

        /** The line of a call that must have succeeded. */
        JsonNode ok(String name) {
            JsonNode n = call(name);
            assertThat(n.path("ok").asBoolean())
                    .as("%s failed in the SDK: %s", name, n.path("error"))
                    .isTrue();
            return n;
        }

        /** The SDK's error for a call that must have failed. */
        JsonNode error(String name) {
            JsonNode n = call(name);
            assertThat(n.path("ok").asBoolean())
                    .as("%s should have failed: %s", name, n)
                    .isFalse();
            return n.path("error");
        }

        FakeProvider.Seen upstreamSaw(String name) {
            FakeProvider.Seen seen = FakeProvider.BY_MARKER.get(marker + "-" + name);
            assertThat(seen).as("the fake upstream never received %s", name).isNotNull();
            return seen;
        }
    }

    static Run run;

    @RegisterExtension
    static final WhereInstalled SDKS = new WhereInstalled(SdkRun::missing);

    /** Creates the key through the admin API and runs the three scripts, once for the class. */
    static synchronized Run run() {
        if (run != null) {
            return run;
        }
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String teamId = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "sdk-team-" + suffix, "department", "Engineering"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String employeeId = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("email", "sdk-" + suffix + "@example.com", "name", "SDK User", "teamId", teamId))
                .post("/api/admin/employees")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        var created = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("employeeId", employeeId, "name", "laptop"))
                .post("/api/admin/keys")
                .then()
                .statusCode(201)
                .extract();
        String keyId = created.path("id");
        String key = created.path("key");
        // the gateway's key cache learns about a new key within its refresh interval
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> given().header("Authorization", "Bearer " + key)
                                .get("/v1/models")
                                .statusCode()
                        == 200);

        String baseUrl = RestAssured.baseURI + ":" + RestAssured.port;
        String marker = "sdk-" + suffix;
        Map<String, JsonNode> calls = new HashMap<>();
        for (String script : List.of("openai.mjs", "anthropic.mjs", "raw.mjs")) {
            calls.putAll(SdkRun.run(script, baseUrl, key, marker));
        }
        run = new Run(teamId, employeeId, keyId, key, marker, calls);
        return run;
    }

    // ---------------------------------------------------------------- OpenAI SDK

    @Test
    void openAiSdkParsesAChatCompletionWithUsageAndTheGatewaysRequestId() {
        Run r = run();
        JsonNode c = r.ok("openai.chat.json");
        assertThat(c.path("object").asText()).isEqualTo("chat.completion");
        assertThat(c.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(c.path("text").asText()).isEqualTo("Hello there!");
        assertThat(c.path("finishReason").asText()).isEqualTo("stop");
        assertOpenAiUsage(c.path("usage"));
        assertThat(c.path("requestId").asText()).isNotBlank();
        assertThat(c.path("sdkRequestId").asText())
                .isEqualTo(c.path("requestId").asText());

        FakeProvider.Seen seen = r.upstreamSaw("openai.chat.json");
        assertThat(seen.path()).isEqualTo("/v1/chat/completions");
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + FakeProvider.OPENAI_SECRET);
        assertKeyNeverForwarded(r, seen);
    }

    @Test
    void openAiSdkStreamsChunkByChunkWithoutAUsageChunkItDidNotAskFor() {
        Run r = run();
        JsonNode s = r.ok("openai.chat.stream");
        assertThat(s.path("contentType").asText()).startsWith("text/event-stream");
        assertThat(s.path("text").asText()).isEqualTo("Hello there!");
        assertThat(s.path("finishReason").asText()).isEqualTo("stop");
        // role chunk, three content chunks, the finish chunk; the usage chunk Tally asked for is not shown
        assertThat(s.path("chunks").asInt()).isEqualTo(5);
        assertThat(s.path("usageChunks").asInt()).isZero();
        assertThat(s.path("usage").isNull()).isTrue();
        assertThat(r.upstreamSaw("openai.chat.stream")
                        .body()
                        .getJsonObject("stream_options")
                        .getBoolean("include_usage"))
                .isTrue();
    }

    @Test
    void openAiSdkStreamWithIncludeUsageGetsTheUsageChunk() {
        Run r = run();
        JsonNode s = r.ok("openai.chat.stream_include_usage");
        assertThat(s.path("text").asText()).isEqualTo("Hello there!");
        assertThat(s.path("chunks").asInt()).isEqualTo(6);
        assertThat(s.path("usageChunks").asInt()).isEqualTo(1);
        assertOpenAiUsage(s.path("usage"));
    }

    @Test
    void openAiSdkParsesAResponsesApiAnswerAndTheCallIsCountedExactly() {
        Run r = run();
        JsonNode c = r.ok("openai.responses.json");
        assertThat(c.path("object").asText()).isEqualTo("response");
        assertThat(c.path("status").asText()).isEqualTo("completed");
        assertThat(c.path("text").asText()).isEqualTo("Hello there!");
        assertResponsesUsage(c.path("usage"));
        assertThat(c.path("sdkRequestId").asText())
                .isEqualTo(c.path("requestId").asText());
        FakeProvider.Seen seen = r.upstreamSaw("openai.responses.json");
        assertThat(seen.path()).isEqualTo("/v1/responses");
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + FakeProvider.OPENAI_SECRET);
        assertKeyNeverForwarded(r, seen);

        String id = c.path("requestId").asText();
        SDKS.events().awaitAll(List.of(id));
        JsonNode d = single(id).path("data");
        assertThat(d.path("api").asText()).isEqualTo("responses");
        assertThat(d.path("teamId").asText()).isEqualTo(r.teamId());
        assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(1024);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
    }

    @Test
    void openAiSdkStreamsAResponsesApiAnswerEventByEvent() {
        Run r = run();
        JsonNode s = r.ok("openai.responses.stream");
        assertThat(s.path("contentType").asText()).startsWith("text/event-stream");
        assertThat(texts(s.path("types")))
                .containsExactly(
                        "response.created",
                        "response.in_progress",
                        "response.output_item.added",
                        "response.content_part.added",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.delta",
                        "response.output_text.done",
                        "response.content_part.done",
                        "response.output_item.done",
                        "response.completed");
        assertThat(s.path("text").asText()).isEqualTo("Hello there!");
        assertThat(s.path("status").asText()).isEqualTo("completed");
        assertResponsesUsage(s.path("usage"));

        String id = s.path("requestId").asText();
        SDKS.events().awaitAll(List.of(id));
        JsonNode d = single(id).path("data");
        assertThat(d.path("stream").asBoolean()).isTrue();
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
        assertThat(d.path("estimated").asBoolean()).isFalse();
    }

    /** The Responses API's calls on a stored response the OpenAI script makes: free, one event each. */
    static final List<String> STORED =
            List.of("openai.responses.retrieve", "openai.responses.input_items", "openai.responses.delete");

    /** The response id the script used for one call on a stored response (see openai.mjs). */
    static String storedId(Run r, String call) {
        return "resp_" + r.marker().replaceAll("[^A-Za-z0-9]", "") + call;
    }

    /** The one request the fake provider received on this path. */
    static FakeProvider.Seen upstreamAt(String path) {
        List<FakeProvider.Seen> seen =
                FakeProvider.SEEN.stream().filter(s -> s.path().equals(path)).toList();
        assertThat(seen).as("requests the provider received at " + path).hasSize(1);
        return seen.get(0);
    }

    @Test
    void openAiSdkRetrievesListsAndDeletesAStoredResponseThroughTallyWithoutCountingIt() {
        Run r = run();
        JsonNode got = r.ok("openai.responses.retrieve");
        String retrieved = storedId(r, "retrieve");
        assertThat(got.path("id").asText()).isEqualTo(retrieved);
        assertThat(got.path("object").asText()).isEqualTo("response");
        assertThat(got.path("status").asText()).isEqualTo("completed");
        assertThat(got.path("text").asText()).isEqualTo("Hello there!");
        assertResponsesUsage(got.path("usage"));
        FakeProvider.Seen seen = upstreamAt("/v1/responses/" + retrieved);
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + FakeProvider.OPENAI_SECRET);
        assertKeyNeverForwarded(r, seen);

        JsonNode items = r.ok("openai.responses.input_items").path("items");
        assertThat(items).hasSize(1);
        assertThat(items.get(0).path("type").asText()).isEqualTo("message");
        assertThat(items.get(0).path("role").asText()).isEqualTo("user");
        assertThat(items.get(0).path("text").asText()).isEqualTo("Say hello");
        FakeProvider.Seen listed = upstreamAt("/v1/responses/" + storedId(r, "items") + "/input_items");
        assertThat(listed.query()).isEqualTo("limit=1&order=asc");
        assertKeyNeverForwarded(r, listed);

        JsonNode deleted = r.ok("openai.responses.delete");
        String gone = storedId(r, "delete");
        assertThat(deleted.path("status").asInt()).isEqualTo(200);
        assertThat(deleted.path("body").path("id").asText()).isEqualTo(gone);
        assertThat(deleted.path("body").path("deleted").asBoolean()).isTrue();
        assertThat(upstreamAt("/v1/responses/" + gone).method()).isEqualTo("DELETE");

        // the stored response's usage was counted when it was created: these calls count nothing
        for (String call : STORED) {
            String id = r.ok(call).path("requestId").asText();
            SDKS.events().awaitAll(List.of(id));
            JsonNode d = single(id).path("data");
            assertThat(d.path("api").asText()).startsWith("responses.");
            assertThat(d.path("inputTokens").asLong()).isZero();
            assertThat(d.path("outputTokens").asLong()).isZero();
            assertThat(d.path("costNanos").asLong()).isZero();
        }
    }

    @Test
    void openAiSdkMakesUsesAndDeletesAConversationThroughTallyCountingOnlyTheResponse() {
        Run r = run();
        JsonNode c = r.ok("openai.conversations");
        String id = c.path("id").asText();
        assertThat(id).startsWith("conv_");
        assertThat(c.path("object").asText()).isEqualTo("conversation");
        assertThat(c.path("metadata").path("topic").asText()).isEqualTo("sdk");
        assertThat(c.path("retrieved").asText()).isEqualTo(id);
        assertThat(c.path("addedObject").asText()).isEqualTo("list");
        assertThat(c.path("addedItems").asInt()).isEqualTo(1);
        assertThat(texts(c.path("listed"))).containsExactly("message");
        assertThat(c.path("responseText").asText()).isEqualTo("Hello there!");
        assertThat(c.path("deleted").asBoolean()).isTrue();
        assertThat(c.path("deletedObject").asText()).isEqualTo("conversation.deleted");

        // what the provider got: the conversation's own paths, and the response naming it, never the key
        FakeProvider.Seen made = FakeProvider.SEEN.stream()
                .filter(s -> s.path().equals("/v1/conversations")
                        && s.body() != null
                        && "sdk"
                                .equals(s.body()
                                        .getJsonObject("metadata", new JsonObject())
                                        .getString("topic")))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertKeyNeverForwarded(r, made);
        assertThat(made.body().getJsonArray("items")).hasSize(1);
        assertThat(FakeProvider.SEEN.stream()
                        .filter(s -> s.path().startsWith("/v1/conversations/" + id))
                        .map(s -> s.method() + " " + s.path().substring("/v1/conversations/".length() + id.length())))
                .containsExactly("GET ", "POST /items", "GET /items", "DELETE ");
        FakeProvider.Seen answered = r.upstreamSaw("openai.conversations.response");
        assertThat(answered.path()).isEqualTo("/v1/responses");
        assertThat(answered.body().getString("conversation")).isEqualTo(id);

        // one event per call: the response is counted, the conversation's own calls are free
        List<String> ids = new ArrayList<>();
        c.path("requestIds").forEach(n -> ids.add(n.asText()));
        assertThat(ids).hasSize(6).doesNotContain("").doesNotHaveDuplicates();
        SDKS.events().awaitAll(ids);
        List<String> apis = new ArrayList<>();
        for (String requestId : ids) {
            JsonNode d = single(requestId).path("data");
            apis.add(d.path("api").asText());
            if (d.path("api").asText().equals("responses")) {
                assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
                assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
            } else {
                assertThat(d.path("inputTokens").asLong()
                                + d.path("outputTokens").asLong())
                        .isZero();
                assertThat(d.path("costNanos").asLong()).isZero();
            }
        }
        assertThat(apis)
                .containsExactly(
                        "conversations.create",
                        "conversations.retrieve",
                        "conversations.items.create",
                        "conversations.items.list",
                        "responses",
                        "conversations.delete");
    }

    static void assertResponsesUsage(JsonNode u) {
        assertThat(u.path("input_tokens").asLong()).isEqualTo(1200);
        assertThat(u.path("output_tokens").asLong()).isEqualTo(300);
        assertThat(u.path("total_tokens").asLong()).isEqualTo(1500);
        assertThat(u.path("cached_tokens").asLong()).isEqualTo(1024);
        assertThat(u.path("reasoning_tokens").asLong()).isEqualTo(64);
    }

    @Test
    void openAiSdkCreatesEmbeddings() {
        Run r = run();
        JsonNode e = r.ok("openai.embeddings.float");
        assertThat(e.path("model").asText()).isEqualTo("text-embedding-3-small");
        assertThat(e.path("dimensions").asInt()).isEqualTo(2);
        assertThat(e.path("usage").path("prompt_tokens").asLong()).isEqualTo(8);
        assertThat(r.upstreamSaw("openai.embeddings.float").path()).isEqualTo("/v1/embeddings");
    }

    @Test
    void openAiSdkListsTheModels() {
        JsonNode m = run().ok("openai.models.list");
        // a key without an allow-list may use every model Tally routes
        assertThat(texts(m.path("ids"))).contains("gpt-4o-mini", "claude-sonnet-4-5");
    }

    static void assertOpenAiUsage(JsonNode u) {
        assertThat(u.path("prompt_tokens").asLong()).isEqualTo(1200);
        assertThat(u.path("completion_tokens").asLong()).isEqualTo(300);
        assertThat(u.path("total_tokens").asLong()).isEqualTo(1500);
        assertThat(u.path("cached_tokens").asLong()).isEqualTo(1024);
        assertThat(u.path("reasoning_tokens").asLong()).isEqualTo(64);
    }

    // ---------------------------------------------------------------- Anthropic SDK

    @Test
    void anthropicSdkParsesAMessageWithCacheUsageAndTheUpstreamRequestId() {
        Run r = run();
        JsonNode m = r.ok("anthropic.messages.json");
        assertThat(m.path("type").asText()).isEqualTo("message");
        assertThat(m.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(m.path("text").asText()).isEqualTo("Hello there!");
        assertThat(m.path("stopReason").asText()).isEqualTo("end_turn");
        assertAnthropicUsage(m.path("usage"));
        assertThat(m.path("requestId").asText()).isNotBlank();
        // the Anthropic SDK reads `request-id`, which Tally passes through from the provider
        assertThat(m.path("sdkRequestId").asText()).isEqualTo("req_upstream_anthropic");

        FakeProvider.Seen seen = r.upstreamSaw("anthropic.messages.json");
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.headers().get("x-api-key")).isEqualTo(FakeProvider.ANTHROPIC_SECRET);
        // forwarded as the SDK sent it (this SDK version sends its own, newer API version)
        assertThat(m.path("sent").path("anthropicVersion").asText()).isNotBlank();
        assertThat(seen.headers().get("anthropic-version"))
                .isEqualTo(m.path("sent").path("anthropicVersion").asText());
        assertKeyNeverForwarded(r, seen);
    }

    @Test
    void anthropicSdkWithAnAuthTokenSendsTheKeyAsBearerAndIsAccepted() {
        Run r = run();
        JsonNode m = r.ok("anthropic.messages.bearer.json");
        assertThat(m.path("text").asText()).isEqualTo("Hello there!");
        assertAnthropicUsage(m.path("usage"));
        FakeProvider.Seen seen = r.upstreamSaw("anthropic.messages.bearer.json");
        assertThat(seen.headers().get("x-api-key")).isEqualTo(FakeProvider.ANTHROPIC_SECRET);
        assertThat(seen.headers().get("authorization")).isNull();
        assertKeyNeverForwarded(r, seen);
    }

    @Test
    void anthropicSdkMessageStreamHelperAccumulatesTextAndUsage() {
        Run r = run();
        JsonNode s = r.ok("anthropic.messages.stream_helper");
        assertThat(s.path("text").asText()).isEqualTo("Hello!");
        assertThat(s.path("finalText").asText()).isEqualTo("Hello!");
        assertThat(s.path("stopReason").asText()).isEqualTo("end_turn");
        // input and cache tokens from message_start, output from message_delta
        assertAnthropicUsage(s.path("usage"));
        assertThat(r.upstreamSaw("anthropic.messages.stream_helper").body().getBoolean("stream"))
                .isTrue();
    }

    @Test
    void anthropicSdkStreamTrueYieldsEveryEventInOrder() {
        JsonNode s = run().ok("anthropic.messages.stream_true");
        assertThat(s.path("contentType").asText()).startsWith("text/event-stream");
        // the SDK's stream drops ping events by design; everything else arrives, in order
        assertThat(texts(s.path("events")))
                .containsExactlyElementsOf(ANTHROPIC_STREAM_EVENTS.stream()
                        .filter(e -> !e.equals("ping"))
                        .toList());
        assertThat(s.path("text").asText()).isEqualTo("Hello!");
        assertThat(s.path("startUsage").path("input_tokens").asLong()).isEqualTo(50);
        assertThat(s.path("startUsage").path("cache_creation_input_tokens").asLong())
                .isEqualTo(1000);
        assertThat(s.path("startUsage").path("cache_read_input_tokens").asLong())
                .isEqualTo(2000);
        assertThat(s.path("deltaUsage").path("output_tokens").asLong()).isEqualTo(400);
    }

    @Test
    void anthropicSdkCountsTokensAndTheCallIsRecordedAtNoCost() {
        Run r = run();
        JsonNode c = r.ok("anthropic.messages.count_tokens");
        assertThat(c.path("inputTokens").asLong()).isEqualTo(1234);
        String id = c.path("requestId").asText();
        SDKS.events().awaitAll(List.of(id));
        JsonNode d = single(id).path("data");
        assertThat(d.path("api").asText()).isEqualTo("messages.count_tokens");
        assertThat(d.path("teamId").asText()).isEqualTo(r.teamId());
        assertThat(d.path("outcome").asText()).isEqualTo("ok");
        assertThat(d.path("inputTokens").asLong()).isZero();
        assertThat(d.path("costNanos").asLong()).isZero();
        assertThat(d.path("priced").asBoolean()).isTrue();
    }

    @Test
    void anthropicSdkListsTheModels() {
        JsonNode m = run().ok("anthropic.models.list");
        assertThat(texts(m.path("ids"))).contains("gpt-4o-mini", "claude-sonnet-4-5");
    }

    static void assertAnthropicUsage(JsonNode u) {
        assertThat(u.path("input_tokens").asLong()).isEqualTo(50);
        assertThat(u.path("cache_creation_input_tokens").asLong()).isEqualTo(1000);
        assertThat(u.path("cache_read_input_tokens").asLong()).isEqualTo(2000);
        assertThat(u.path("output_tokens").asLong()).isEqualTo(400);
    }

    // ---------------------------------------------------------------- Claude Code

    @Test
    void claudeCodeShapedStreamPassesThroughWithItsBetaHeader() {
        Run r = run();
        JsonNode s = r.ok("raw.claude_code.stream");
        assertThat(s.path("status").asInt()).isEqualTo(200);
        assertThat(s.path("contentType").asText()).startsWith("text/event-stream");
        assertThat(texts(s.path("events"))).containsExactlyElementsOf(ANTHROPIC_STREAM_EVENTS);
        assertThat(s.path("text").asText()).isEqualTo("Hello!");
        assertThat(s.path("startUsage").path("cache_read_input_tokens").asLong())
                .isEqualTo(2000);
        assertThat(s.path("deltaUsage").path("output_tokens").asLong()).isEqualTo(400);

        FakeProvider.Seen seen = r.upstreamSaw("raw.claude_code.stream");
        assertThat(seen.path()).isEqualTo("/v1/messages");
        assertThat(seen.headers().get("anthropic-beta")).isEqualTo(CLAUDE_CODE_BETA);
        assertThat(seen.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(seen.headers().get("x-api-key")).isEqualTo(FakeProvider.ANTHROPIC_SECRET);
        assertThat(seen.body().getJsonArray("tools").getJsonObject(0).getString("name"))
                .isEqualTo("Bash");
        assertKeyNeverForwarded(r, seen);
    }

    // ---------------------------------------------------------------- errors

    @Test
    void badKeyIsEachSdksAuthenticationErrorInItsOwnFormat() {
        Run r = run();
        JsonNode o = r.error("openai.error.bad_key");
        assertThat(o.path("class").asText()).isEqualTo("AuthenticationError");
        assertThat(o.path("status").asInt()).isEqualTo(401);
        assertThat(o.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(o.path("code").asText()).isEqualTo("invalid_api_key");
        assertThat(o.path("body").path("message").asText()).contains("invalid API key");
        assertThat(o.path("requestId").asText()).isNotBlank();
        assertThat(o.path("sdkRequestId").asText())
                .isEqualTo(o.path("requestId").asText());

        JsonNode a = r.error("anthropic.error.bad_key");
        assertThat(a.path("class").asText()).isEqualTo("AuthenticationError");
        assertThat(a.path("status").asInt()).isEqualTo(401);
        assertThat(a.path("type").asText()).isEqualTo("authentication_error");
        assertThat(a.path("body").path("type").asText()).isEqualTo("error");
        assertThat(a.path("body").path("error").path("message").asText()).contains("invalid API key");
        assertThat(a.path("body").path("request_id").asText())
                .isEqualTo(a.path("requestId").asText())
                .isNotBlank();

        // not recorded: a key Tally does not know names nobody, and anyone who can reach the port could
        // otherwise write SDKS.events(). The same run's refused calls of a known key are in by then.
        JsonNode known = r.error("openai.error.unknown_model");
        SDKS.events().awaitAll(List.of(known.path("requestId").asText()));
        for (JsonNode e : List.of(o, a)) {
            assertThat(SDKS.events().records(e.path("requestId").asText()))
                    .as("events of a call without a valid key")
                    .isEmpty();
        }
    }

    @Test
    void malformedBodyIs400InEachFormat() {
        Run r = run();
        JsonNode o = r.error("openai.error.malformed_body");
        assertThat(o.path("class").asText()).isEqualTo("BadRequestError");
        assertThat(o.path("status").asInt()).isEqualTo(400);
        assertThat(o.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(o.path("body").path("message").asText()).contains("not valid JSON");

        JsonNode a = r.error("anthropic.error.malformed_body");
        assertThat(a.path("class").asText()).isEqualTo("BadRequestError");
        assertThat(a.path("status").asInt()).isEqualTo(400);
        assertThat(a.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(a.path("body").path("error").path("message").asText()).contains("not valid JSON");

        JsonNode rawOpenAi = r.ok("raw.openai.malformed_body");
        assertThat(rawOpenAi.path("status").asInt()).isEqualTo(400);
        assertThat(rawOpenAi.path("contentType").asText()).startsWith("application/json");
        assertThat(rawOpenAi.path("requestId").asText()).isNotBlank();
        JsonNode openAiError = rawOpenAi.path("body").path("error");
        assertThat(openAiError.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(openAiError.path("message").asText()).contains("not valid JSON");
        assertThat(openAiError.has("param")).isTrue();
        assertThat(openAiError.has("code")).isTrue();

        JsonNode rawAnthropic = r.ok("raw.anthropic.malformed_body");
        assertThat(rawAnthropic.path("status").asInt()).isEqualTo(400);
        assertThat(rawAnthropic.path("contentType").asText()).startsWith("application/json");
        JsonNode body = rawAnthropic.path("body");
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(body.path("error").path("message").asText()).contains("not valid JSON");
        assertThat(body.path("request_id").asText())
                .isEqualTo(rawAnthropic.path("requestId").asText());
    }

    @Test
    void unknownModelIsEachSdksNotFoundError() {
        Run r = run();
        JsonNode o = r.error("openai.error.unknown_model");
        assertThat(o.path("class").asText()).isEqualTo("NotFoundError");
        assertThat(o.path("status").asInt()).isEqualTo(404);
        assertThat(o.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(o.path("code").asText()).isEqualTo("model_not_found");
        assertThat(o.path("body").path("message").asText()).contains("mistral-large-latest");

        JsonNode a = r.error("anthropic.error.unknown_model");
        assertThat(a.path("class").asText()).isEqualTo("NotFoundError");
        assertThat(a.path("status").asInt()).isEqualTo(404);
        assertThat(a.path("type").asText()).isEqualTo("not_found_error");
        assertThat(a.path("body").path("error").path("message").asText()).contains("mistral-large-latest");
    }

    // ---------------------------------------------------------------- events on Kafka

    @Test
    void eachBilledCallsEventCarriesExactTokensAndCost() {
        Run r = run();
        SDKS.events()
                .awaitAll(BILLED.stream()
                        .map(c -> r.ok(c).path("requestId").asText())
                        .toList());
        for (String call : BILLED) {
            String id = r.ok(call).path("requestId").asText();
            UsageTopic.Record record = SDKS.events().records(id).get(0);
            assertThat(record.kafkaKey()).as(call).isEqualTo(r.teamId());
            JsonNode e = record.event();
            assertThat(e.path("type").asText()).isEqualTo("dev.tally.usage.v1");
            assertThat(e.path("subject").asText()).isEqualTo(r.teamId());
            JsonNode d = e.path("data");
            assertThat(d.path("requestId").asText()).isEqualTo(id);
            assertThat(d.path("keyId").asText()).isEqualTo(r.keyId());
            assertThat(d.path("employeeId").asText()).isEqualTo(r.employeeId());
            assertThat(d.path("teamId").asText()).isEqualTo(r.teamId());
            assertThat(d.path("status").asInt()).as(call).isEqualTo(200);
            assertThat(d.path("outcome").asText()).as(call).isEqualTo("ok");
            assertThat(d.path("stream").asBoolean()).as(call).isEqualTo(call.contains("stream"));
            assertThat(d.path("priced").asBoolean()).as(call).isTrue();
            assertThat(d.path("estimated").asBoolean()).as(call).isFalse();
            if (call.startsWith("openai.embeddings")) {
                assertThat(d.path("provider").asText()).isEqualTo("openai");
                assertThat(d.path("model").asText()).isEqualTo("text-embedding-3-small");
                assertThat(d.path("api").asText()).isEqualTo("embeddings");
                assertThat(d.path("inputTokens").asLong()).isEqualTo(8);
                assertThat(d.path("outputTokens").asLong()
                                + d.path("cacheReadTokens").asLong()
                                + d.path("cacheWriteTokens").asLong()
                                + d.path("reasoningTokens").asLong())
                        .isZero();
                assertThat(d.path("costNanos").asLong()).isEqualTo(8 * TEXT_EMBEDDING_3_SMALL_INPUT);
            } else if (call.startsWith("openai.")) {
                assertThat(d.path("provider").asText()).isEqualTo("openai");
                assertThat(d.path("model").asText()).isEqualTo("gpt-4o-mini");
                assertThat(d.path("api").asText())
                        .as(call)
                        .isEqualTo(call.startsWith("openai.responses") ? "responses" : "chat.completions");
                // prompt_tokens (the Responses API: input_tokens) 1200 include cached_tokens 1024: 176
                // uncached input, each token counted once
                assertThat(d.path("inputTokens").asLong()).as(call).isEqualTo(176);
                assertThat(d.path("cacheReadTokens").asLong()).as(call).isEqualTo(1024);
                assertThat(d.path("cacheWriteTokens").asLong()).as(call).isZero();
                assertThat(d.path("outputTokens").asLong()).as(call).isEqualTo(300);
                assertThat(d.path("reasoningTokens").asLong()).as(call).isEqualTo(64);
                assertThat(d.path("costNanos").asLong())
                        .as(call)
                        .isEqualTo(176 * GPT_4O_MINI_INPUT + 1024 * GPT_4O_MINI_CACHE_READ + 300 * GPT_4O_MINI_OUTPUT);
            } else {
                assertThat(d.path("provider").asText()).isEqualTo("anthropic");
                assertThat(d.path("model").asText()).isEqualTo("claude-sonnet-4-5");
                assertThat(d.path("api").asText()).isEqualTo("messages");
                // Anthropic reports cache tokens beside input_tokens
                assertThat(d.path("inputTokens").asLong()).as(call).isEqualTo(50);
                assertThat(d.path("cacheWriteTokens").asLong()).as(call).isEqualTo(1000);
                assertThat(d.path("cacheReadTokens").asLong()).as(call).isEqualTo(2000);
                assertThat(d.path("outputTokens").asLong()).as(call).isEqualTo(400);
                assertThat(d.path("reasoningTokens").asLong()).as(call).isZero();
                // of the 1000 cache writes, 800 are 5-minute and 200 one-hour writes, priced apart
                assertThat(d.path("costNanos").asLong())
                        .as(call)
                        .isEqualTo(50 * SONNET_4_5_INPUT
                                + 800 * SONNET_4_5_CACHE_WRITE_5M
                                + 200 * SONNET_4_5_CACHE_WRITE_1H
                                + 2000 * SONNET_4_5_CACHE_READ
                                + 400 * SONNET_4_5_OUTPUT);
            }
        }
    }

    @Test
    void everyCallOfTheKeyIsOneEventAndOnlyTheBilledOnesCost() {
        Run r = run();
        List<String> billedIds =
                BILLED.stream().map(c -> r.ok(c).path("requestId").asText()).toList();
        List<String> rejectedIds = new ArrayList<>();
        for (String call : REJECTED) {
            JsonNode n = r.call(call);
            // raw fetch lines carry the response's id at the top, SDK errors inside "error"
            JsonNode holder = n.path("ok").asBoolean() ? n : n.path("error");
            rejectedIds.add(holder.path("requestId").asText());
        }
        String countTokensId =
                r.ok("anthropic.messages.count_tokens").path("requestId").asText();
        List<String> all = new ArrayList<>(billedIds);
        all.addAll(rejectedIds);
        all.add(countTokensId);
        STORED.forEach(c -> all.add(r.ok(c).path("requestId").asText()));
        r.ok("openai.conversations").path("requestIds").forEach(n -> all.add(n.asText()));
        assertThat(all).doesNotContain("").doesNotHaveDuplicates();
        SDKS.events().awaitAll(all);

        // one event per call, nothing more for this team (the model listings are not model calls)
        assertThat(SDKS.events().idsForTeam(r.teamId())).containsExactlyInAnyOrderElementsOf(all);
        for (String id : all) {
            assertThat(SDKS.events().records(id)).as("events with id %s", id).hasSize(1);
        }
        for (String id : rejectedIds) {
            JsonNode d = single(id).path("data");
            assertThat(d.path("outcome").asText()).isEqualTo("rejected");
            assertThat(d.path("status").asInt()).isIn(400, 404);
            assertThat(d.path("inputTokens").asLong() + d.path("outputTokens").asLong())
                    .isZero();
        }
    }

    // ---------------------------------------------------------------- helpers

    static JsonNode single(String id) {
        List<UsageTopic.Record> records = SDKS.events().records(id);
        assertThat(records).as("events with id %s", id).hasSize(1);
        return records.get(0).event();
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Neither the client's key nor any header carrying it may reach the provider. */
    static void assertKeyNeverForwarded(Run r, FakeProvider.Seen seen) {
        seen.headers()
                .forEach(h -> assertThat(h.getValue())
                        .as("upstream header %s", h.getKey())
                        .doesNotContain(r.key()));
    }
}
