package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tally.platform.TestStack;

/**
 * Every error case in both API formats, each with an x-request-id and, when the caller's key is
 * known, a recorded usage event (a caller without a valid key writes none); a client that disconnects mid-stream; upstream timeouts.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class GatewayErrorsTest {

    static UsageEvents events;

    @BeforeAll
    static void consumer() {
        events = new UsageEvents();
    }

    @AfterAll
    static void close() {
        events.close();
    }

    enum Format {
        OPENAI("/v1/chat/completions", "gpt-4o-mini"),
        ANTHROPIC("/v1/messages", "claude-sonnet-4-5");

        final String path;
        final String model;

        Format(String path, String model) {
            this.path = path;
            this.model = model;
        }
    }

    static RequestSpecification as(Format f, String key) {
        RequestSpecification s = given().contentType(ContentType.JSON);
        if (key == null) {
            return f == Format.ANTHROPIC ? s.header("anthropic-version", "2023-06-01") : s;
        }
        return f == Format.ANTHROPIC
                ? s.header("x-api-key", key).header("anthropic-version", "2023-06-01")
                : s.header("Authorization", "Bearer " + key);
    }

    static String body(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    /** Asserts the status, the caller's error shape and the request id; the request id. */
    static String assertErrorShape(Response r, Format f, int status, String messagePart) {
        assertThat(r.statusCode()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/json");
        if (status == 429 || status >= 500) {
            // may succeed later: the SDKs' own retry logic decides
            assertThat(r.header("x-should-retry"))
                    .as("x-should-retry on %d", status)
                    .isNull();
        } else {
            // cannot succeed by retrying: the SDKs and Claude Code must stop at once
            assertThat(r.header("x-should-retry"))
                    .as("x-should-retry on %d", status)
                    .isEqualTo("false");
        }
        String requestId = r.header("x-request-id");
        assertThat(requestId).isNotBlank();
        if (f == Format.ANTHROPIC) {
            assertThat(r.jsonPath().getString("type")).isEqualTo("error");
            assertThat(r.jsonPath().getString("error.type")).isEqualTo(GatewayErrors.anthropicType(status));
            assertThat(r.jsonPath().getString("error.message")).contains(messagePart);
            assertThat(r.jsonPath().getString("request_id")).isEqualTo(requestId);
            // the Anthropic SDK and Claude Code take the request id from this header
            assertThat(r.header("request-id")).isEqualTo(requestId);
        } else {
            assertThat(r.jsonPath().getString("error.type")).isEqualTo(GatewayErrors.openAiType(status));
            assertThat(r.jsonPath().getString("error.message")).contains(messagePart);
            assertThat(r.jsonPath().getString("error.code")).isEqualTo(GatewayErrors.openAiCode(status));
            assertThat(r.jsonPath().getMap("error")).containsKey("param");
        }
        return requestId;
    }

    /** Asserts the status, the caller's error shape, the request id, and the recorded event. */
    static JsonNode assertError(Response r, Format f, int status, String messagePart, String outcome) {
        String requestId = assertErrorShape(r, f, status, messagePart);
        JsonNode d = events.await(requestId).path("data");
        assertThat(d.path("status").asInt()).isEqualTo(status);
        assertThat(d.path("outcome").asText()).isEqualTo(outcome);
        assertThat(events.count(requestId)).isEqualTo(1);
        return d;
    }

    /**
     * Asserts that no event was written for these calls: a known key's refused call made after them
     * is awaited first (the gateway has one producer to one broker, so their events would be there by
     * then).
     */
    static void assertNoEvents(List<String> requestIds) {
        Admin.Key known = Admin.newKey();
        Response after =
                as(Format.OPENAI, known.key()).body("{\"messages\":[]}").post(Format.OPENAI.path);
        events.await(after.header("x-request-id"));
        for (String id : requestIds) {
            assertThat(events.count(id)).as("events of %s", id).isZero();
        }
    }

    @Test
    void missingKeyIs401InBothFormatsAndWritesNoEvent() {
        List<String> ids = new ArrayList<>();
        for (Format f : Format.values()) {
            ids.add(assertErrorShape(as(f, null).body(body(f.model)).post(f.path), f, 401, "missing API key"));
        }
        assertNoEvents(ids);
    }

    @Test
    void unknownKeyIs401InBothFormatsAndWritesNoEvent() {
        List<String> ids = new ArrayList<>();
        for (Format f : Format.values()) {
            ids.add(assertErrorShape(
                    as(f, "tly_00000000000000000000000000000000unknown")
                            .body(body(f.model))
                            .post(f.path),
                    f,
                    401,
                    "invalid API key"));
        }
        assertNoEvents(ids);
    }

    /**
     * Over HTTP/2 a refusal that closes the connection must not carry {@code connection: close}:
     * HTTP/2 forbids connection-specific headers, and clients (curl, the JDK's client from 21 on,
     * Netty) then drop the whole answer as a protocol error, so the caller never saw its 401.
     */
    @Test
    void refusalsReachHttp2CallersWholeWithoutAConnectionHeader() throws Exception {
        HttpClient h2 =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        URI base = URI.create("http://localhost:" + RestAssured.port);
        String unknown = "tly_00000000000000000000000000000000unknown";
        // a request without a body is upgraded to HTTP/2 (h2c) by the JDK's client
        HttpResponse<String> models = h2.send(
                HttpRequest.newBuilder(base.resolve("/v1/models"))
                        .header("Authorization", "Bearer " + unknown)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(models.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(models.statusCode()).isEqualTo(401);
        assertThat(models.headers().firstValue("connection")).isEmpty();
        assertThat(models.headers().firstValue("x-should-retry")).hasValue("false");
        assertThat(new ObjectMapper()
                        .readTree(models.body())
                        .at("/error/message")
                        .asText())
                .contains("invalid API key");

        // and the client's connection survives the refused stream: a good call on it is answered
        Admin.Key key = Admin.newKey();
        HttpResponse<String> ok = h2.send(
                HttpRequest.newBuilder(base.resolve("/v1/models"))
                        .header("Authorization", "Bearer " + key.key())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(ok.statusCode()).isEqualTo(200);
    }

    @Test
    void revokedKeyIs401WithinSecondsInBothFormats() {
        Admin.Key key = Admin.newKey();
        Admin.revoke(key.keyId());
        Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> as(Format.OPENAI, key.key())
                                .body(body("gpt-4o-mini"))
                                .post(Format.OPENAI.path)
                                .statusCode()
                        == 401);
        String revokedAt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .withZone(ZoneOffset.UTC)
                .format(Admin.revokedAt(key.keyId()));
        for (Format f : Format.values()) {
            JsonNode d = assertError(
                    as(f, key.key()).body(body(f.model)).post(f.path),
                    f,
                    401,
                    "this API key was revoked on " + revokedAt + "; create a new one at ",
                    "rejected");
            assertThat(d.path("refusal").asText()).isEqualTo("revoked");
            assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
            assertThat(d.path("employeeId").asText()).isEqualTo(key.employeeId());
            assertThat(d.path("keyId").asText()).isEqualTo(key.keyId());
        }
        // the message says where to make a new key: the address the client used, unless tally.public-url says otherwise
        String message = as(Format.ANTHROPIC, key.key())
                .body(body(Format.ANTHROPIC.model))
                .post(Format.ANTHROPIC.path)
                .jsonPath()
                .getString("error.message");
        assertThat(message).endsWith("; create a new one at http://localhost:" + RestAssured.port + "/me");
    }

    @Test
    void malformedJsonIs400InBothFormats() {
        Admin.Key key = Admin.newKey();
        for (Format f : Format.values()) {
            assertError(
                    as(f, key.key()).body("{\"model\": \"x\", \"messages\": [").post(f.path),
                    f,
                    400,
                    "not valid JSON",
                    "rejected");
            assertError(
                    as(f, key.key()).body("{\"messages\":[]}").post(f.path), f, 400, "model: is required", "rejected");
        }
    }

    @Test
    void modelNotAllowedForTheKeyIs403InBothFormats() {
        Admin.Key key = Admin.newKeyForModels(List.of("o4-mini", "gpt-4.1-nano"));
        for (Format f : Format.values()) {
            JsonNode d = assertError(
                    as(f, key.key()).body(body(f.model)).post(f.path),
                    f,
                    403,
                    "model " + f.model + " is not allowed for this key; allowed: gpt-4.1-nano, o4-mini",
                    "rejected");
            assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
            assertThat(d.path("model").asText()).isEqualTo(f.model);
            assertThat(d.path("refusal").asText()).isEqualTo("model_not_allowed");
        }
    }

    @Test
    void modelWithoutProviderIs404InBothFormats() {
        Admin.Key key = Admin.newKey();
        for (Format f : Format.values()) {
            JsonNode d = assertError(
                    as(f, key.key()).body(body("llama-3.3-70b")).post(f.path),
                    f,
                    404,
                    "no provider is configured for model llama-3.3-70b",
                    "rejected");
            assertThat(d.path("refusal").asText()).isEqualTo("no_route");
        }
    }

    @Test
    void bodyOverTheLimitIs413InBothFormats() {
        Admin.Key key = Admin.newKey();
        String big = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + "x".repeat(1100 * 1024) + "\"}]}";
        for (Format f : Format.values()) {
            JsonNode d = assertError(as(f, key.key()).body(big).post(f.path), f, 413, "larger than", "rejected");
            assertThat(d.path("refusal").asText()).isEqualTo("too_large");
        }
    }

    @Test
    void rateLimitIs429WithRetryAfterInBothFormats() {
        Admin.Key key = Admin.newKey(Map.of("requestsPerMinute", 1));
        assertThat(as(Format.OPENAI, key.key())
                        .body(body("gpt-4o-mini"))
                        .post(Format.OPENAI.path)
                        .statusCode())
                .isEqualTo(200);
        for (Format f : Format.values()) {
            Response r = as(f, key.key()).body(body(f.model)).post(f.path);
            JsonNode d = assertError(r, f, 429, "rate limit", "rejected");
            assertThat(Integer.parseInt(r.header("retry-after"))).isBetween(1, 60);
            assertThat(d.path("refusal").asText()).isEqualTo("rate_limited");
        }
    }

    @Test
    void unreachableProviderIs502InBothFormats() {
        Admin.Key key = Admin.newKey();
        for (Format f : Format.values()) {
            Response r = as(f, key.key()).body(body("dead-model")).post(f.path);
            JsonNode d = assertError(r, f, 502, "the provider dead could not be reached", "upstream_error");
            assertThat(d.path("provider").asText()).isEqualTo("dead");
            // the connection exception names the provider's host and address: only the log has it
            assertThat(r.asString())
                    .doesNotContain("127.0.0.1")
                    .doesNotContain("localhost")
                    .doesNotContainIgnoringCase("connection refused");
        }
    }

    @Test
    void providerSlowerThanTheFirstByteTimeoutIs504InBothFormats() {
        Admin.Key key = Admin.newKey();
        assertError(
                as(Format.OPENAI, key.key()).body(body("gpt-4o-mini-slowhead")).post(Format.OPENAI.path),
                Format.OPENAI,
                504,
                "did not answer",
                "upstream_error");
        assertError(
                as(Format.ANTHROPIC, key.key())
                        .body(body("claude-sonnet-4-5-slowhead"))
                        .post(Format.ANTHROPIC.path),
                Format.ANTHROPIC,
                504,
                "did not answer",
                "upstream_error");
    }

    @Test
    void streamThatStallsIsCutAfterTheBetweenChunksTimeoutAndRecorded() throws Exception {
        Admin.Key key = Admin.newKey();
        String head = rawStream(key.key(), "/v1/chat/completions", "gpt-4o-mini-stall", false);
        String requestId = requestId(head);
        JsonNode d = events.await(requestId).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("upstream_error");
        assertThat(d.path("status").asInt()).isEqualTo(504);
        assertThat(d.path("estimated").asBoolean()).isTrue();
    }

    @Test
    void clientThatDisconnectsMidStreamCancelsTheUpstreamAndIsStillRecorded() throws Exception {
        Admin.Key key = Admin.newKey();
        int before = FakeProvider.CANCELLED.get();
        String head = rawStream(key.key(), "/v1/messages", "claude-sonnet-4-5-hang", true);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> FakeProvider.CANCELLED.get() > before);
        JsonNode d = events.await(requestId(head)).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("client_cancelled");
        assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
        // known from message_start before the client left
        assertThat(d.path("inputTokens").asLong()).isEqualTo(50);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(2000);
        assertThat(d.path("cacheWriteTokens").asLong()).isEqualTo(1000);
        // output was still coming: estimated from the 46 characters streamed so far
        assertThat(d.path("outputTokens").asLong()).isEqualTo(12);
        assertThat(d.path("estimated").asBoolean()).isTrue();
        assertThat(events.count(requestId(head))).isEqualTo(1);
    }

    /**
     * Sends a streaming request over a raw socket and reads until the first content chunk arrived
     * (or the server closed the connection); with {@code leave}, closes the socket mid-stream.
     */
    static String rawStream(String key, String path, String model, boolean leave) throws Exception {
        String json = "{\"model\":\"" + model + "\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", RestAssured.port)) {
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                            + "x-api-key: " + key + "\r\nanthropic-version: 2023-06-01\r\nContent-Length: "
                            + body.length
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder seen = new StringBuilder();
            byte[] buf = new byte[4096];
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                if (leave && (seen.indexOf("text_delta") >= 0 || seen.indexOf("long answer") >= 0)) {
                    break; // leave mid-stream: try-with-resources closes the socket
                }
            }
            return seen.toString();
        }
    }

    static String requestId(String rawResponse) {
        for (String line : rawResponse.split("\r\n")) {
            if (line.toLowerCase().startsWith("x-request-id:")) {
                return line.substring("x-request-id:".length()).trim();
            }
        }
        throw new AssertionError("no x-request-id in " + rawResponse.substring(0, Math.min(300, rawResponse.length())));
    }
}
