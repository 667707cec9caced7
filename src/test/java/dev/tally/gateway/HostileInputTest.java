package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.platform.OwnSettings;
import dev.tally.platform.TestStack;

/**
 * A hostile caller, over real sockets: each case gets its exact status and error body in the
 * caller's format, and the test checks what was (or was not) written as a usage event. Limits are
 * those of {@link OwnSettings}. How much memory the stalled bodies hold is measured by
 * {@code bench/stalled-bodies.sh}, not here.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
@TestProfile(OwnSettings.class)
class HostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "/v1/chat/completions";
    private static final String UNKNOWN_KEY = "tly_00000000000000000000000000000000unknown";

    static UsageEvents events;

    @Inject
    MeterRegistry registry;

    @Inject
    GatewayConfig config;

    @BeforeAll
    static void consumer() {
        events = new UsageEvents();
    }

    @AfterAll
    static void close() {
        events.close();
    }

    /** The limits below are the profile's, not those the fake provider of the shared stack sets. */
    @Test
    void theGatewayRunsWithTheseTestsLimits() {
        assertThat(config.bodyTimeout()).isEqualTo(Duration.ofMillis(OwnSettings.BODY_TIMEOUT_MS));
        assertThat(config.maxBodySize().asLongValue()).isEqualTo(2L * 1024 * 1024);
        assertThat(config.firstByteTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxCallDuration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(config.invalidKeyBurst()).isEqualTo(OwnSettings.INVALID_KEY_BURST);
        assertThat(config.invalidKeysPerMinute()).isEqualTo(1);
    }

    @Test
    void aBodyThatTricklesInIsCutWith408AtTheBodyTimeout() throws Exception {
        Admin.Key key = Admin.newKey();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (RawHttp c = new RawHttp()) {
            c.send(head(CHAT, key.key(), 10_000), "{\"model\":\"gpt-4o-mini\",".getBytes(StandardCharsets.US_ASCII));
            // a byte every 100 ms: the body keeps arriving, but not in full within the 1.5 s it has
            trickle.scheduleAtFixedRate(
                    () -> {
                        try {
                            c.write(new byte[] {' '});
                        } catch (IOException closed) {
                            throw new IllegalStateException(closed); // ends the schedule once the gateway hung up
                        }
                    },
                    100,
                    100,
                    TimeUnit.MILLISECONDS);
            String answer = c.readToEnd();
            assertBodyTimeout(answer, key);
        } finally {
            trickle.shutdownNow();
        }
    }

    @Test
    void anAnnouncedBodyThatNeverArrivesGets408AtTheBodyTimeout() throws Exception {
        Admin.Key key = Admin.newKey();
        try (RawHttp c = new RawHttp()) {
            c.send(head(CHAT, key.key(), 1_000_000), "{".getBytes(StandardCharsets.US_ASCII));
            assertBodyTimeout(c.readToEnd(), key);
        }
    }

    @Test
    void anAnnounced32MegabyteBodyIsRefusedWith413BeforeAnyOfItIsRead() throws Exception {
        Admin.Key key = Admin.newKey();
        try (RawHttp c = new RawHttp()) {
            c.send(head(CHAT, key.key(), 32_000_000), "{".getBytes(StandardCharsets.US_ASCII));
            String answer = c.readToEnd();
            JsonNode error = assertOpenAiError(answer, 413, "request_too_large");
            assertThat(error.path("message").asText()).isEqualTo("the request body is larger than 2097152 bytes");
            assertThat(RawHttp.header(answer, "connection")).isEqualTo("close");
            assertRejected(answer, key, 413);
        }
    }

    @Test
    void aChunkedBodyThatNeverEndsIsRefusedWith413AtTheSizeLimit() throws Exception {
        Admin.Key key = Admin.newKey();
        try (RawHttp c = new RawHttp()) {
            c.send(
                    "POST " + CHAT + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key.key()
                            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
                    null);
            byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 2 * 64 + 1; i++) { // 2 MB and a chunk more, and never the last chunk
                    c.write(chunk);
                }
            } catch (IOException hungUp) {
                // the gateway may close once it has answered; the answer is already in the socket
            }
            String answer = c.readToEnd();
            JsonNode error = assertOpenAiError(answer, 413, "request_too_large");
            assertThat(error.path("message").asText()).isEqualTo("the request body is larger than 2097152 bytes");
            assertRejected(answer, key, 413);
        }
    }

    @Test
    void aConversationsBodyIsHeldToTheSameLimitAnnouncedOrChunked() throws Exception {
        Admin.Key key = Admin.newKey();
        int before = FakeProvider.REQUESTS.get();
        for (String path : new String[] {"/v1/conversations", "/v1/conversations/conv_1/items"}) {
            try (RawHttp c = new RawHttp()) {
                c.send(head(path, key.key(), 32_000_000), "{".getBytes(StandardCharsets.US_ASCII));
                String answer = c.readToEnd();
                assertOpenAiError(answer, 413, "request_too_large");
                assertRejected(answer, key, 413);
            }
        }
        try (RawHttp c = new RawHttp()) {
            c.send(
                    "POST /v1/conversations/conv_1 HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key.key()
                            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
                    null);
            byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 2 * 64 + 1; i++) {
                    c.write(chunk);
                }
            } catch (IOException hungUp) {
                // the gateway may close once it has answered; the answer is already in the socket
            }
            String answer = c.readToEnd();
            assertOpenAiError(answer, 413, "request_too_large");
            assertRejected(answer, key, 413);
        }
        assertThat(FakeProvider.REQUESTS.get())
                .as("nothing reached the provider")
                .isEqualTo(before);
    }

    @Test
    void a100KilobyteHeaderBlockIsRefusedWith431ByTheHttpServer() throws Exception {
        try (RawHttp c = new RawHttp()) {
            c.send(head(CHAT, "tly_whatever", 2) + "\r\nX-Pad: " + "p".repeat(100 * 1024), "{}".getBytes());
            String answer = c.readToEnd();
            assertThat(RawHttp.status(answer)).isEqualTo(431);
            // refused while the head was read: no call, so no request id and nothing recorded
            assertThat(RawHttp.header(answer, "x-request-id")).isNull();
        }
    }

    @Test
    void moreHeadersThanTheLimitGet431InTheCallersFormat() throws Exception {
        Admin.Key key = Admin.newKey();
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            many.append("\r\nX-Many-").append(i).append(": ").append(i);
        }
        byte[] body = chat("gpt-4o-mini", 16);
        try (RawHttp c = new RawHttp()) {
            c.send(head(CHAT, key.key(), body.length) + many, body);
            String answer = c.readResponse();
            JsonNode error = assertOpenAiError(answer, 431, "request_header_fields_too_large");
            assertThat(error.path("message").asText())
                    .isEqualTo("the request has 124 headers; at most 100 are accepted");
            assertRejected(answer, key, 431);
        }
    }

    @Test
    void aModelNameOfAMegabyteGets400AndIsNotRecorded() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + "m".repeat(1024 * 1024) + "\",\"messages\":[]}")
                .post(CHAT);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("error.message")).isEqualTo("model: longer than 256 characters");
        assertThat(r.jsonPath().getString("error.param")).isEqualTo("model");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("status").asInt()).isEqualTo(400);
        assertThat(d.path("outcome").asText()).isEqualTo("rejected");
        assertThat(d.path("model").asText(null)).isNull();
    }

    @Test
    void aModelNameOutsideTheSafeCharactersGets400InAnthropicsFormat() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-sonnet-4-5\\n{evil=\\\"1\\\"}\",\"max_tokens\":16,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("type")).isEqualTo("error");
        assertThat(r.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(r.jsonPath().getString("error.message"))
                .isEqualTo("model: may contain only ASCII letters, digits and - _ . : / @ + [ ]");
        assertThat(events.await(r.header("x-request-id"))
                        .path("data")
                        .path("model")
                        .asText(null))
                .isNull();
    }

    @Test
    void aModelNoRuleRoutesIsRecordedUnderTheBoundedLabel() {
        Admin.Key key = Admin.newKey();
        String invented = "llama-" + UUID.randomUUID();
        Response r = post(key.key(), chat(invented, 16));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(events.await(r.header("x-request-id"))
                        .path("data")
                        .path("model")
                        .asText())
                .isEqualTo(ModelNames.OTHER);
        assertThat(registry.find("tally.gateway.requests")
                        .tag("model", invented)
                        .meters())
                .isEmpty();
    }

    @Test
    void eachHostileJsonBodyGetsItsOwn400() {
        Admin.Key key = Admin.newKey();
        String deep = "{\"model\":\"gpt-4o-mini\",\"messages\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
        assertBadRequest(
                key,
                deep.getBytes(StandardCharsets.US_ASCII),
                "the request body nests JSON deeper than 128 levels",
                null);
        assertBadRequest(
                key,
                "{\"model\":\"gpt-4o-mini\",\"model\":\"gpt-4.1\",\"messages\":[]}".getBytes(StandardCharsets.US_ASCII),
                "model: appears more than once in the request body",
                "model");
        byte[] overlong = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"a?\"}]}"
                .getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(overlong, (byte) '?');
        byte[] notUtf8 = new byte[overlong.length + 1];
        System.arraycopy(overlong, 0, notUtf8, 0, at);
        notUtf8[at] = (byte) 0xC0; // an overlong '/': not UTF-8 (RFC 3629)
        notUtf8[at + 1] = (byte) 0xAF;
        System.arraycopy(overlong, at + 1, notUtf8, at + 2, overlong.length - at - 1);
        assertBadRequest(key, notUtf8, "the request body is not valid UTF-8 at byte offset " + at, null);
        overlong[at] = 0;
        assertBadRequest(key, overlong, "the request body contains a NUL byte at offset " + at, null);
    }

    @Test
    void aStormOfInvalidKeysIsThrottledPerAddressAndWritesNoEvent() throws Exception {
        String from = loopbackAddress();
        double unknown401 = count("unknown", "401");
        double unknown429 = count("unknown", "429");
        double missing401 = count("missing", "401");
        List<String> ids = new ArrayList<>();
        byte[] body = chat("gpt-4o-mini", 16);
        for (int i = 0; i < OwnSettings.INVALID_KEY_BURST + 3; i++) {
            try (RawHttp c = new RawHttp(from)) {
                String answer =
                        c.send(head(CHAT, UNKNOWN_KEY, body.length), body).readToEnd();
                ids.add(RawHttp.header(answer, "x-request-id"));
                if (i < OwnSettings.INVALID_KEY_BURST) {
                    assertThat(assertOpenAiError(answer, 401, "invalid_api_key")
                                    .path("message")
                                    .asText())
                            .startsWith("invalid API key: Tally knows no such key");
                } else {
                    assertThat(assertOpenAiError(answer, 429, "rate_limit_exceeded")
                                    .path("message")
                                    .asText())
                            .startsWith("invalid API key")
                            .contains("; too many requests without a valid API key from this address");
                    assertThat(Integer.parseInt(RawHttp.header(answer, "retry-after")))
                            .isBetween(1, 60);
                }
                assertThat(RawHttp.header(answer, "connection")).isEqualTo("close");
            }
        }
        try (RawHttp c = new RawHttp(from)) {
            String answer = c.send(head(CHAT, null, body.length), body).readToEnd();
            assertThat(RawHttp.status(answer)).isEqualTo(429);
            ids.add(RawHttp.header(answer, "x-request-id"));
        }
        // a valid key from the same address is served: only calls without one are throttled
        Admin.Key key = Admin.newKey();
        try (RawHttp c = new RawHttp(from)) {
            String answer = c.send(head(CHAT, key.key(), body.length), body).readResponse();
            assertThat(RawHttp.status(answer)).isEqualTo(200);
            events.await(RawHttp.header(answer, "x-request-id"));
        }
        for (String id : ids) {
            assertThat(id).isNotBlank();
            assertThat(events.count(id)).as("events of %s", id).isZero();
        }
        assertThat(count("unknown", "401")).isEqualTo(unknown401 + OwnSettings.INVALID_KEY_BURST);
        assertThat(count("unknown", "429")).isEqualTo(unknown429 + 3);
        assertThat(count("missing", "401")).isEqualTo(missing401); // the missing key came after the burst: 429
    }

    @Test
    void concurrentCallsPastTheTokenLimitAreRefusedWhileTheFirstHoldsItsReservation() throws Exception {
        Admin.Key key = Admin.newKey(Map.of("tokensPerMinute", 1000));
        try (RawHttp held = hold(key, 1000)) {
            // the held call reserved its input and 1,000 output tokens: the key's minute is spoken for
            Response second = post(key.key(), chat("gpt-4o-mini", 10));
            assertThat(second.statusCode()).isEqualTo(429);
            assertThat(second.jsonPath().getString("error.message"))
                    .isEqualTo("rate limit reached for this key: "
                            + "tokens per minute (1000), counting the tokens reserved by calls in flight; retry after "
                            + second.header("retry-after") + " s");
            assertThat(events.await(second.header("x-request-id"))
                            .path("data")
                            .path("status")
                            .asInt())
                    .isEqualTo(429);
        }
        // the held call ended when its client left; its reservation settled to its estimated input
        Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> post(key.key(), chat("gpt-4o-mini", 10)).statusCode() == 200);
    }

    @Test
    void aKeyLimitedToTwoCallsInFlightGets429OnItsThird() throws Exception {
        Admin.Key key = Admin.newKey(Map.of("maxInFlight", 2));
        try (RawHttp first = hold(key, 16)) {
            try (RawHttp second = hold(key, 16)) {
                Response third = post(key.key(), chat("gpt-4o-mini", 16));
                assertThat(third.statusCode()).isEqualTo(429);
                assertThat(third.header("retry-after")).isEqualTo("1");
                assertThat(third.jsonPath().getString("error.message"))
                        .isEqualTo(
                                "too many calls in flight for this"
                                        + " key: calls in flight (2) at once is its limit; retry when one of them has finished");
                JsonNode d = events.await(third.header("x-request-id")).path("data");
                assertThat(d.path("outcome").asText()).isEqualTo("rejected");
                assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
            }
            // one of the two left: its place is free again
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> post(key.key(), chat("gpt-4o-mini", 16)).statusCode() == 200);
        }
    }

    @Test
    void anUpstreamThatStreamsWithoutEndIsCutAtTheLongestCallDuration() throws Exception {
        Admin.Key key = Admin.newKey();
        int cancelled = FakeProvider.CANCELLED.get();
        byte[] body = ("{\"model\":\"gpt-4o-mini-endless\",\"stream\":true,\"max_tokens\":64,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .getBytes(StandardCharsets.US_ASCII);
        String answer;
        try (RawHttp c = new RawHttp()) {
            answer = c.send(head(CHAT, key.key(), body.length), body).readToEnd();
        }
        assertThat(RawHttp.status(answer)).isEqualTo(200);
        assertThat(answer).contains("\"content\":\"more \"");
        JsonNode d = events.await(RawHttp.header(answer, "x-request-id")).path("data");
        assertThat(d.path("status").asInt()).isEqualTo(504);
        assertThat(d.path("outcome").asText()).isEqualTo("upstream_error");
        assertThat(d.path("estimated").asBoolean()).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> FakeProvider.CANCELLED.get() > cancelled);
    }

    @Test
    void absurdUsageFromTheProviderIsRefusedFlaggedAndEstimated() {
        Admin.Key key = Admin.newKey();
        double flagged = registry
                .find("tally.gateway.invalid.usage")
                .tags("provider", "openai", "problem", "negative")
                .counters()
                .stream()
                .mapToDouble(Counter::count)
                .sum();
        byte[] body = chat("gpt-4o-mini-absurd", 16);
        Response r = post(key.key(), body);
        assertThat(r.statusCode()).isEqualTo(200);
        // a header the provider's Connection names is for the gateway's hop only
        assertThat(r.header("x-provider-hop")).isNull();
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("ok");
        assertThat(d.path("estimated").asBoolean()).isTrue();
        assertThat(d.path("inputTokens").asLong()).isEqualTo((body.length + 3) / 4);
        assertThat(d.path("outputTokens").asLong()).isZero();
        assertThat(registry.find("tally.gateway.invalid.usage")
                        .tags("provider", "openai", "problem", "negative")
                        .counter()
                        .count())
                .isEqualTo(flagged + 1);
    }

    @Test
    void headersTheClientsConnectionNamesAreNotForwarded() throws Exception {
        Admin.Key key = Admin.newKey();
        String marker = "hop-" + UUID.randomUUID();
        byte[] body = ("{\"model\":\"gpt-4o-mini\",\"max_tokens\":16,\"user\":\"" + marker
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .getBytes(StandardCharsets.US_ASCII);
        try (RawHttp c = new RawHttp()) {
            String answer = c.send(
                            head(CHAT, key.key(), body.length) + "\r\nConnection: close, OpenAI-Beta"
                                    + "\r\nOpenAI-Beta: assistants=v2\r\nOpenAI-Organization: org-hostile",
                            body)
                    .readResponse();
            assertThat(RawHttp.status(answer)).isEqualTo(200);
        }
        FakeProvider.Seen seen = FakeProvider.BY_MARKER.get(marker);
        assertThat(seen.headers().get("openai-organization")).isEqualTo("org-hostile");
        assertThat(seen.headers().contains("openai-beta")).isFalse();
    }

    // --- helpers

    private void assertBodyTimeout(String answer, Admin.Key key) throws IOException {
        JsonNode error = assertOpenAiError(answer, 408, "request_timeout");
        assertThat(error.path("message").asText())
                .isEqualTo("the request body did not arrive within " + OwnSettings.BODY_TIMEOUT_MS + " ms");
        assertThat(RawHttp.header(answer, "connection")).isEqualTo("close");
        assertRejected(answer, key, 408);
    }

    private static JsonNode assertOpenAiError(String answer, int status, String code) throws IOException {
        assertThat(RawHttp.status(answer)).as(answer).isEqualTo(status);
        JsonNode error =
                JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4)).path("error");
        assertThat(error.path("type").asText()).isEqualTo(GatewayErrors.openAiType(status));
        assertThat(error.path("code").asText()).isEqualTo(code);
        return error;
    }

    private static void assertRejected(String answer, Admin.Key key, int status) {
        String id = RawHttp.header(answer, "x-request-id");
        JsonNode d = events.await(id).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("rejected");
        assertThat(d.path("status").asInt()).isEqualTo(status);
        assertThat(d.path("keyId").asText()).isEqualTo(key.keyId());
        assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
        assertThat(events.count(id)).isEqualTo(1);
    }

    private static void assertBadRequest(Admin.Key key, byte[] body, String message, String param) {
        Response r = post(key.key(), body);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("error.message")).isEqualTo(message);
        assertThat(r.jsonPath().getString("error.param")).isEqualTo(param);
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("status").asInt()).isEqualTo(400);
        assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
    }

    /** A call the fake provider never answers, in flight once the provider has its request. */
    private static RawHttp hold(Admin.Key key, int maxTokens) throws IOException {
        String marker = "hold-" + UUID.randomUUID();
        byte[] body = ("{\"model\":\"gpt-4o-mini-hold\",\"max_tokens\":" + maxTokens + ",\"user\":\"" + marker
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .getBytes(StandardCharsets.US_ASCII);
        RawHttp c = new RawHttp();
        c.send(head(CHAT, key.key(), body.length), body);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> FakeProvider.BY_MARKER.containsKey(marker));
        return c;
    }

    private static Response post(String key, byte[] body) {
        return given().header("Authorization", "Bearer " + key)
                .contentType(ContentType.JSON)
                .body(body)
                .post(CHAT);
    }

    private static byte[] chat(String model, int maxTokens) {
        return ("{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** A request head; {@code key} null sends none. */
    private static String head(String path, String key, long contentLength) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + contentLength + (key == null ? "" : "\r\nAuthorization: Bearer " + key);
    }

    private double count(String reason, String status) {
        Counter c = registry.find("tally.gateway.unauthenticated")
                .tags("reason", reason, "status", status)
                .counter();
        return c == null ? 0 : c.count();
    }

    /** A loopback address of this test's own (127.x.y.z, never 127.0.0.1). */
    private static String loopbackAddress() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == x) {
                return i;
            }
        }
        return -1;
    }
}
