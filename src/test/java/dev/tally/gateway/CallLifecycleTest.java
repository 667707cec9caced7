package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.events.CallOutcome;
import dev.tally.platform.TestStack;

/**
 * The call's states end to end, over real sockets: however a call ends, it ends once, with one
 * usage event and its reservations settled exactly once. "Once" is checked with a fence: a later
 * call of the same key (same team, so the same partition, in order) whose event arrives after any
 * duplicate the first call could have produced.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class CallLifecycleTest {

    static UsageEvents events;

    @BeforeAll
    static void consumer() {
        events = new UsageEvents();
    }

    @AfterAll
    static void close() {
        events.close();
    }

    @Test
    void aClientThatLeavesWhileTheProviderHasNotAnsweredIsRecordedOnceAsCancelled() throws Exception {
        Admin.Key key = Admin.newKey();
        String marker = "m-" + UUID.randomUUID();
        int cancelledBefore = FakeProvider.CANCELLED.get();
        try (RawHttp c = new RawHttp()) {
            send(c, key, body("probe-to-gpt-4o-mini-hold", marker, false));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> FakeProvider.BY_MARKER.containsKey(marker));
        } // the client leaves while the call waits for the provider's head
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> FakeProvider.CANCELLED.get() > cancelledBefore);
        JsonNode d = events.awaitForKey(key.keyId(), 1).get(0).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("client_cancelled");
        assertThat(d.path("status").asInt()).isEqualTo(499);
        assertThat(d.path("provider").asText()).isEqualTo("openai");
        // the provider never reported usage: the prompt is estimated from the request's size
        assertThat(d.path("estimated").asBoolean()).isTrue();
        assertThat(d.path("inputTokens").asLong()).isPositive();
        String requestId = d.path("requestId").asText();
        assertThat(ProbeCheck.SETTLED.get(requestId))
                .containsExactly(new ProbeCheck.Settled(
                        d.path("inputTokens").asLong() + d.path("outputTokens").asLong(),
                        CallOutcome.CLIENT_CANCELLED));
        assertOnlyEventOfItsCall(key, requestId);
    }

    @Test
    void aStreamThatBreaksOffMidWayIsCutAndRecordedOnceAsAnUpstreamError() throws Exception {
        Admin.Key key = Admin.newKey();
        String received;
        try (RawHttp c = new RawHttp()) {
            send(c, key, body("gpt-4o-mini-break", "m-" + UUID.randomUUID(), true));
            received = c.readToEnd();
        }
        assertThat(RawHttp.status(received)).isEqualTo(200);
        assertThat(received).contains("Hello there, this breaks").doesNotContain("[DONE]");
        String requestId = RawHttp.header(received, "x-request-id");
        JsonNode d = events.await(requestId).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("upstream_error");
        assertThat(d.path("status").asInt()).isEqualTo(502);
        // 24 characters of text streamed before the break: 6 output tokens, estimated
        assertThat(d.path("outputTokens").asLong()).isEqualTo(6);
        assertThat(d.path("estimated").asBoolean()).isTrue();
        assertOnlyEventOfItsCall(key, requestId);
    }

    @Test
    void aJsonAnswerThatBreaksOffBeforeAnyOfItIsPassedOnBecomesA502InTheCallersFormat() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-sonnet-4-5-breakjson\",\"max_tokens\":16,\"messages\":[]}")
                .post("/v1/messages");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.jsonPath().getString("type")).isEqualTo("error");
        assertThat(r.jsonPath().getString("error.type")).isEqualTo("api_error");
        // none of the provider's headers describe this answer
        assertThat(r.header("request-id")).isEqualTo(r.header("x-request-id"));
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("upstream_error");
        assertThat(d.path("status").asInt()).isEqualTo(502);
        assertOnlyEventOfItsCall(key, r.header("x-request-id"));
    }

    @Test
    void aJsonAnswerThatBreaksOffAfterItsUsageIsRecordedWithTheUsageItShowed() {
        // the relay holds a JSON answer's last chunk back and reads its usage after writing it: a
        // break before the end must still read the held chunk, whose tokens the provider did bill
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini-breakjsontail\",\"messages\":[]}")
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.jsonPath().getString("error.type")).isNotBlank();
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("upstream_error");
        assertThat(d.path("estimated").asBoolean()).isFalse();
        // 1,200 prompt tokens of which 1,024 cached, 300 completion tokens: as the answer reported them
        assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
        assertOnlyEventOfItsCall(key, r.header("x-request-id"));
    }

    @Test
    void aModelRewrittenByAdmissionIsWhatTheProviderGetsAndWhatIsPriced() {
        Admin.Key key = Admin.newKey();
        String marker = "m-" + UUID.randomUUID();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body(body("probe-to-gpt-4o-mini", marker, true))
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.header("x-tally-downgraded-from")).isEqualTo("probe-to-gpt-4o-mini");
        // the stream's usage was asked for on the client's behalf and hidden again
        assertThat(r.asString()).endsWith("data: [DONE]\n\n").doesNotContain("prompt_tokens");
        FakeProvider.Seen seen = FakeProvider.BY_MARKER.get(marker);
        assertThat(seen.body().getString("model")).isEqualTo("gpt-4o-mini");
        assertThat(seen.body().getJsonObject("stream_options").getBoolean("include_usage"))
                .isTrue();

        String requestId = r.header("x-request-id");
        JsonNode d = events.await(requestId).path("data");
        assertThat(d.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(d.path("downgradedFrom").asText()).isEqualTo("probe-to-gpt-4o-mini");
        assertThat(d.path("costNanos").asLong()).isEqualTo(176 * 150 + 1024 * 75 + 300 * 600);
        // 176 input + 1024 cache read + 300 output, settled once when the call ended
        assertThat(ProbeCheck.SETTLED.get(requestId)).containsExactly(new ProbeCheck.Settled(1500, CallOutcome.OK));
    }

    @Test
    void aReservationTakenBeforeALaterCheckRefusesIsSettledOnceWithNothingUsed() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body(body("probe-without-a-route", "m-" + UUID.randomUUID(), false))
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(404);
        String requestId = r.header("x-request-id");
        assertThat(events.await(requestId).path("data").path("outcome").asText())
                .isEqualTo("rejected");
        assertThat(ProbeCheck.SETTLED.get(requestId)).containsExactly(new ProbeCheck.Settled(0, CallOutcome.REJECTED));
    }

    @Test
    void aCheckThatThrowsAfterTheBodyIsAnswered500InTheCallersFormatAndGivesBackWhatTheCallHeld() {
        Admin.Key key = Admin.newKey(Map.of("maxInFlight", 1));
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body(body("probe-throws", "m-" + UUID.randomUUID(), false))
                .post("/v1/chat/completions");
        String requestId = r.header("x-request-id");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.jsonPath().getString("error.type")).isEqualTo("server_error");
        assertThat(r.jsonPath().getString("error.code")).isEqualTo("internal_error");
        assertThat(r.jsonPath().getString("error.message")).contains(requestId).doesNotContain("caller's words");
        assertThat(r.header("x-should-retry")).as("a 500 may be retried").isNull();
        JsonNode d = events.await(requestId).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("rejected");
        assertThat(d.path("refusal").asText()).isEqualTo("internal_error");
        assertThat(d.path("status").asInt()).isEqualTo(500);
        assertThat(ProbeCheck.SETTLED.get(requestId)).containsExactly(new ProbeCheck.Settled(0, CallOutcome.REJECTED));
        // the fence answers 200 only if the call gave its one place in flight back
        assertOnlyEventOfItsCall(key, requestId);

        Response a = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body(
                        "{\"model\":\"probe-throws\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
        assertThat(a.statusCode()).isEqualTo(500);
        assertThat(a.jsonPath().getString("type")).isEqualTo("error");
        assertThat(a.jsonPath().getString("error.type")).isEqualTo("api_error");
        assertThat(a.jsonPath().getString("request_id")).isEqualTo(a.header("x-request-id"));
    }

    @Test
    void aCheckThatThrowsBeforeTheBodyIsAnswered500AndGivesBackTheKeysPlaceInFlight() {
        Admin.Key key = Admin.newKey(Map.of("maxInFlight", 1));
        Response r = given().header("Authorization", "Bearer " + key.key())
                .header(PreBodyProbeCheck.HEADER, "yes")
                .contentType(ContentType.JSON)
                .body(body("gpt-4o-mini", "m-" + UUID.randomUUID(), false))
                .post("/v1/chat/completions");
        String requestId = r.header("x-request-id");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.jsonPath().getString("error.code")).isEqualTo("internal_error");
        JsonNode d = events.await(requestId).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("rejected");
        assertThat(d.path("refusal").asText()).isEqualTo("internal_error");
        assertOnlyEventOfItsCall(key, requestId);
    }

    static String body(String model, String marker, boolean stream) {
        return "{\"model\":\"" + model + "\",\"user\":\"" + marker + "\",\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    }

    static void send(RawHttp c, Admin.Key key, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        c.send(
                "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + key.key() + "\r\nContent-Length: " + body.length,
                body);
    }

    /**
     * Asserts that the key's only event so far with this request id is one, after a fence: a
     * second call of the key whose event arrives after anything the first call produced.
     */
    static void assertOnlyEventOfItsCall(Admin.Key key, String requestId) {
        Response fence = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body(body("gpt-4o-mini", "fence-" + UUID.randomUUID(), false))
                .post("/v1/chat/completions");
        assertThat(fence.statusCode()).isEqualTo(200);
        events.await(fence.header("x-request-id"));
        List<String> ids = events.forKey(key.keyId()).stream()
                .map(e -> e.path("id").asText())
                .toList();
        assertThat(ids).containsExactly(requestId, fence.header("x-request-id"));
    }
}
