package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
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

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.platform.TestStack;

/**
 * The Responses API's calls on a stored response (retrieve, a resumed stream, delete, cancel, input
 * items) through the real gateway to the fake provider, and the refusal of background responses,
 * with the usage events read back from the real broker.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ResponsesStoredCallsTest {

    static UsageEvents events;

    @Inject
    DataSource database;

    @BeforeAll
    static void consumer() {
        events = new UsageEvents();
    }

    @AfterAll
    static void close() {
        events.close();
    }

    /** A response id no other test uses, so the fake's record of the call is this test's. */
    static String responseId() {
        return "resp_" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The one request the fake received on this path. */
    static FakeProvider.Seen seenAt(String path) {
        List<FakeProvider.Seen> seen =
                FakeProvider.SEEN.stream().filter(s -> s.path().equals(path)).toList();
        assertThat(seen).as("requests the provider received at " + path).hasSize(1);
        return seen.get(0);
    }

    /** The call reached the provider with its secret; the client's Tally key went nowhere. */
    static void assertProvidersSecret(FakeProvider.Seen seen, Admin.Key key) {
        assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + FakeProvider.OPENAI_SECRET);
        assertThat(seen.headers().get("x-api-key")).isNull();
        assertThat(seen.headers().toString()).doesNotContain(key.key());
    }

    /** The call is recorded once, as the free call it is: nothing counted, nothing charged. */
    static void assertRecordedUnbilled(Response r, Admin.Key key, String api, boolean stream) {
        assertRecordedUnbilled(events, r, key, api, stream);
    }

    /** The same, read from {@code events} (the calling test class's). */
    static void assertRecordedUnbilled(UsageEvents events, Response r, Admin.Key key, String api, boolean stream) {
        String requestId = r.header("x-request-id");
        JsonNode d = events.await(requestId).path("data");
        assertThat(d.path("api").asText()).isEqualTo(api);
        assertThat(d.path("keyId").asText()).isEqualTo(key.keyId());
        assertThat(d.path("provider").asText()).isEqualTo("openai");
        assertThat(d.path("outcome").asText()).isEqualTo("ok");
        assertThat(d.path("status").asInt()).isEqualTo(r.statusCode());
        assertThat(d.path("stream").asBoolean()).isEqualTo(stream);
        assertThat(d.path("inputTokens").asLong()).isZero();
        assertThat(d.path("outputTokens").asLong()).isZero();
        assertThat(d.path("cacheReadTokens").asLong()).isZero();
        assertThat(d.path("reasoningTokens").asLong()).isZero();
        assertThat(d.path("costNanos").asLong()).isZero();
        assertThat(d.path("priced").asBoolean()).isTrue();
        assertThat(events.count(requestId)).isEqualTo(1);
    }

    @Test
    void retrievingAStoredResponseReachesTheProviderWithItsSecretIsRelayedUnchangedAndNotCountedAgain() {
        Admin.Key key = Admin.newKey();
        String id = responseId();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .header("OpenAI-Organization", "org-test")
                .get("/v1/responses/" + id);
        assertThat(r.statusCode()).isEqualTo(200);
        // the stored response carries its usage (1,200 in, 300 out): counted when it was created, not here
        assertThat(r.asString()).isEqualTo(FakeProvider.storedResponse(id));
        assertThat(r.header("x-upstream-request-id")).isEqualTo("req_upstream_stored");
        FakeProvider.Seen seen = seenAt("/v1/responses/" + id);
        assertThat(seen.method()).isEqualTo("GET");
        assertProvidersSecret(seen, key);
        assertThat(seen.headers().get("openai-organization")).isEqualTo("org-test");
        assertRecordedUnbilled(r, key, "responses.retrieve", false);
    }

    @Test
    void aResumedStreamOfAStoredResponseCarriesItsQueryToTheProviderIsRelayedUnchangedAndNotCounted() {
        Admin.Key key = Admin.newKey();
        String id = responseId();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .get("/v1/responses/" + id + "?stream=true&starting_after=5&include_obfuscation=false");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        // from sequence number 6 on, through response.completed and its usage
        assertThat(r.asString()).isEqualTo(FakeProvider.storedStream(id, 5));
        assertThat(r.asString())
                .doesNotContain("\"sequence_number\":5,")
                .contains("\"sequence_number\":6,", "response.completed");
        FakeProvider.Seen seen = seenAt("/v1/responses/" + id);
        assertThat(seen.query()).isEqualTo("stream=true&starting_after=5&include_obfuscation=false");
        assertProvidersSecret(seen, key);
        assertRecordedUnbilled(r, key, "responses.retrieve", true);
    }

    @Test
    void deletingAStoredResponseReachesTheProviderAsADeleteAndItsAnswerIsRelayedUnchanged() {
        Admin.Key key = Admin.newKey();
        String id = responseId();
        Response r = given().header("Authorization", "Bearer " + key.key()).delete("/v1/responses/" + id);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).isEqualTo(FakeProvider.deletedResponse(id));
        FakeProvider.Seen seen = seenAt("/v1/responses/" + id);
        assertThat(seen.method()).isEqualTo("DELETE");
        assertProvidersSecret(seen, key);
        assertRecordedUnbilled(r, key, "responses.delete", false);
    }

    @Test
    void cancellingAResponseReachesTheProviderAsAPostAndItsAnswerIsRelayedUnchanged() {
        Admin.Key key = Admin.newKey();
        String id = responseId();
        Response r = given().header("Authorization", "Bearer " + key.key()).post("/v1/responses/" + id + "/cancel");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).isEqualTo(FakeProvider.cancelledResponse(id));
        FakeProvider.Seen seen = seenAt("/v1/responses/" + id + "/cancel");
        assertThat(seen.method()).isEqualTo("POST");
        assertProvidersSecret(seen, key);
        assertRecordedUnbilled(r, key, "responses.cancel", false);
    }

    @Test
    void listingInputItemsCarriesItsPaginationQueryToTheProviderAndItsAnswerIsRelayedUnchanged() {
        Admin.Key key = Admin.newKey();
        String id = responseId();
        String query = "after=msg_abc&limit=1&order=asc&include%5B%5D=message.input_image.image_url";
        Response r = given().urlEncodingEnabled(false)
                .header("Authorization", "Bearer " + key.key())
                .get("/v1/responses/" + id + "/input_items?" + query + "&unknown=1");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.asString()).isEqualTo(FakeProvider.inputItems());
        FakeProvider.Seen seen = seenAt("/v1/responses/" + id + "/input_items");
        assertThat(seen.method()).isEqualTo("GET");
        // what the API documents goes on as the client wrote it; anything else is dropped
        assertThat(seen.query()).isEqualTo(query);
        assertProvidersSecret(seen, key);
        assertRecordedUnbilled(r, key, "responses.input_items", false);
    }

    @Test
    void theProvidersAnswerForAResponseItDoesNotHoldIsPassedThrough() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .get("/v1/responses/" + FakeProvider.MISSING_RESPONSE);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.asString()).isEqualTo(FakeProvider.notFound(FakeProvider.MISSING_RESPONSE));
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo("responses.retrieve");
        assertThat(d.path("outcome").asText()).isEqualTo("upstream_error");
        assertThat(d.path("costNanos").asLong()).isZero();
    }

    @Test
    void aRevokedOrUnknownKeyIsRefusedInOpenAisFormatAndNothingReachesTheProvider() {
        Admin.Key key = Admin.newKey();
        Admin.revokeAndWait(key);
        String id = responseId();
        int before = FakeProvider.REQUESTS.get();
        for (String path : List.of("/v1/responses/" + id, "/v1/responses/" + id + "/input_items")) {
            Response revoked =
                    given().header("Authorization", "Bearer " + key.key()).get(path);
            assertThat(revoked.statusCode()).isEqualTo(401);
            assertThat(revoked.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");
            assertThat(revoked.jsonPath().getString("error.code")).isEqualTo("invalid_api_key");
            assertThat(revoked.header("x-should-retry")).isEqualTo("false");
            JsonNode d = events.await(revoked.header("x-request-id")).path("data");
            assertThat(d.path("outcome").asText()).isEqualTo("rejected");
            assertThat(d.path("keyId").asText()).isEqualTo(key.keyId());
        }
        Response deleted =
                given().header("Authorization", "Bearer " + key.key()).delete("/v1/responses/" + id);
        assertThat(deleted.statusCode()).isEqualTo(401);
        Response unknown =
                given().header("Authorization", "Bearer tly_" + "x".repeat(40)).post("/v1/responses/" + id + "/cancel");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(unknown.jsonPath().getString("error.code")).isEqualTo("invalid_api_key");
        Response none = given().get("/v1/responses/" + id);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(FakeProvider.REQUESTS.get())
                .as("nothing reached the provider")
                .isEqualTo(before);
    }

    @Test
    void theKeysRequestsPerMinuteHoldForTheseCallsToo() {
        Admin.Key key = Admin.newKey(Map.of("requestsPerMinute", 1));
        String id = responseId();
        Response first = given().header("Authorization", "Bearer " + key.key()).get("/v1/responses/" + id);
        assertThat(first.statusCode()).isEqualTo(200);
        Response second = given().header("Authorization", "Bearer " + key.key()).delete("/v1/responses/" + id);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.jsonPath().getString("error.type")).isEqualTo("rate_limit_error");
        assertThat(second.header("retry-after")).isNotBlank();
    }

    @Test
    void aResponseIdOutsideTheSafeSetIsA404AndAnotherMethodA405NamingTheOnesTaken() {
        Admin.Key key = Admin.newKey();
        int before = FakeProvider.REQUESTS.get();
        Response encoded = given().urlEncodingEnabled(false)
                .header("Authorization", "Bearer " + key.key())
                .get("/v1/responses/resp_1%2F..%2F..%2Ffiles");
        assertThat(encoded.statusCode()).isEqualTo(404);
        assertThat(encoded.jsonPath().getString("error.code")).isEqualTo("not_found");
        Response other = given().header("Authorization", "Bearer " + key.key()).get("/v1/responses/resp_1/other");
        assertThat(other.statusCode()).isEqualTo(404);
        Response put = given().header("Authorization", "Bearer " + key.key()).put("/v1/responses/resp_1");
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.header("allow")).isEqualTo("GET, DELETE");
        assertThat(put.jsonPath().getString("error.code")).isEqualTo("method_not_allowed");
        Response getCancel =
                given().header("Authorization", "Bearer " + key.key()).get("/v1/responses/resp_1/cancel");
        assertThat(getCancel.statusCode()).isEqualTo(405);
        assertThat(getCancel.header("allow")).isEqualTo("POST");
        assertThat(FakeProvider.REQUESTS.get())
                .as("nothing reached the provider")
                .isEqualTo(before);
    }

    @Test
    void aBackgroundResponseIsRefusedWithA400SayingWhyAndNeverReachesTheProvider() {
        Admin.Key key = Admin.newKey();
        int before = FakeProvider.REQUESTS.get();
        for (String background : List.of("true", "\"yes\"")) {
            Response r = given().header("Authorization", "Bearer " + key.key())
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"background\":" + background + "}")
                    .post("/v1/responses");
            assertThat(r.statusCode()).as(background).isEqualTo(400);
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            assertThat(r.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");
            assertThat(r.jsonPath().getString("error.param")).isEqualTo("background");
            assertThat(r.jsonPath().getString("error.message"))
                    .startsWith("background: the Tally gateway does not run background responses")
                    .contains("stream");
            JsonNode d = events.await(r.header("x-request-id")).path("data");
            assertThat(d.path("outcome").asText()).isEqualTo("rejected");
            assertThat(d.path("costNanos").asLong()).isZero();
        }
        // given twice, the provider might take the one the gateway did not read
        Response twice = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"background\":false,\"background\":true}")
                .post("/v1/responses");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.jsonPath().getString("error.param")).isEqualTo("background");
        assertThat(FakeProvider.REQUESTS.get())
                .as("nothing reached the provider")
                .isEqualTo(before);

        Response foreground = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"background\":false}")
                .post("/v1/responses");
        assertThat(foreground.statusCode()).isEqualTo(200);
        JsonNode d = events.await(foreground.header("x-request-id")).path("data");
        assertThat(d.path("inputTokens").asLong()).isEqualTo(176);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(300);
    }

    // ---- whose stored response it is (docs/gateway.md, "Whose stored response")

    /** Creates a stored response with {@code key}; returns its id, as the client got it. */
    static String create(Admin.Key key, boolean stream) {
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\",\"stream\":" + stream + "}")
                .post("/v1/responses");
        assertThat(r.statusCode()).isEqualTo(200);
        if (!stream) {
            return r.jsonPath().getString("id");
        }
        String body = r.asString();
        int at = body.indexOf("\"response\":{\"id\":\"") + "\"response\":{\"id\":\"".length();
        return body.substring(at, body.indexOf('"', at));
    }

    /** The call was refused as OpenAI refuses an id it does not hold, recorded, and never sent on. */
    static void assertNotFoundAsTheProviderSays(Response r, String id, String api) {
        assertThat(r.statusCode()).as(api).isEqualTo(404);
        assertThat(r.asString()).as(api).isEqualTo(FakeProvider.notFound(id));
        assertThat(r.header("x-should-retry")).isEqualTo("false");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo(api);
        assertThat(d.path("outcome").asText()).isEqualTo("rejected");
        assertThat(d.path("refusal").asText()).isEqualTo("not_your_response");
    }

    static long seenAtPrefix(String prefix) {
        return FakeProvider.SEEN.stream()
                .filter(s -> s.path().startsWith(prefix))
                .count();
    }

    @Test
    void anotherPersonsKeyCannotRetrieveCancelDeleteOrListAStoredResponseWhileItsCreatorsOtherKeyCan() {
        Admin.Key creator = Admin.newKey();
        Admin.Key other = Admin.newKey();
        for (boolean stream : List.of(false, true)) {
            String id = create(creator, stream);
            assertThat(id).matches("resp_[0-9a-f]{48}");
            String path = "/v1/responses/" + id;
            var as = given().header("Authorization", "Bearer " + other.key());
            assertNotFoundAsTheProviderSays(as.get(path), id, "responses.retrieve");
            assertNotFoundAsTheProviderSays(
                    given().header("Authorization", "Bearer " + other.key()).get(path + "?stream=true"),
                    id,
                    "responses.retrieve");
            assertNotFoundAsTheProviderSays(
                    given().header("Authorization", "Bearer " + other.key()).get(path + "/input_items"),
                    id,
                    "responses.input_items");
            assertNotFoundAsTheProviderSays(
                    given().header("Authorization", "Bearer " + other.key()).post(path + "/cancel"),
                    id,
                    "responses.cancel");
            assertNotFoundAsTheProviderSays(
                    given().header("Authorization", "Bearer " + other.key()).delete(path), id, "responses.delete");
            assertThat(seenAtPrefix(path))
                    .as("nothing of another's calls reached the provider")
                    .isZero();

            // the same person's other key: their response
            Admin.Key second = Admin.anotherKey(creator, Map.of());
            Response mine =
                    given().header("Authorization", "Bearer " + second.key()).get(path);
            assertThat(mine.statusCode()).isEqualTo(200);
            assertThat(mine.asString()).isEqualTo(FakeProvider.storedResponse(id));
            assertThat(seenAtPrefix(path)).isEqualTo(1);
        }
    }

    @Test
    void continuingAnotherPersonsResponseIsRefusedAsOpenAiRefusesAPreviousResponseItDoesNotHold() {
        Admin.Key creator = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String id = create(creator, false);
        String marker = "prev-" + UUID.randomUUID();
        Response r = given().header("Authorization", "Bearer " + other.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"user\":\"" + marker + "\",\"input\":\"and then?\","
                        + "\"previous_response_id\":\"" + id + "\"}")
                .post("/v1/responses");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.asString())
                .isEqualTo("{\"error\":{\"message\":\"Previous response with id '" + id + "' not found.\","
                        + "\"type\":\"invalid_request_error\",\"param\":\"previous_response_id\","
                        + "\"code\":\"previous_response_not_found\"}}");
        assertThat(FakeProvider.BY_MARKER.get(marker))
                .as("the provider never saw the call")
                .isNull();
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("refusal").asText()).isEqualTo("not_your_response");
        assertThat(d.path("costNanos").asLong()).isZero();

        // its creator continues it; given twice, the provider might take the one the gateway did not check
        Response mine = given().header("Authorization", "Bearer " + creator.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"input\":\"and then?\",\"previous_response_id\":\"" + id + "\"}")
                .post("/v1/responses");
        assertThat(mine.statusCode()).isEqualTo(200);
        Response twice = given().header("Authorization", "Bearer " + other.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"input\":\"x\",\"previous_response_id\":\"resp_mine\","
                        + "\"previous_response_id\":\"" + id + "\"}")
                .post("/v1/responses");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.jsonPath().getString("error.param")).isEqualTo("previous_response_id");
    }

    @Test
    void compactingAnotherPersonsResponseIsRefusedAsContinuingItIs() {
        Admin.Key creator = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String id = create(creator, false);
        int before = FakeProvider.REQUESTS.get();
        Response r = given().header("Authorization", "Bearer " + other.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"previous_response_id\":\"" + id + "\"}")
                .post("/v1/responses/compact");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("error.code")).isEqualTo("previous_response_not_found");
        assertThat(r.jsonPath().getString("error.param")).isEqualTo("previous_response_id");
        assertThat(FakeProvider.REQUESTS.get())
                .as("the provider never saw the call")
                .isEqualTo(before);
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo("responses.compact");
        assertThat(d.path("refusal").asText()).isEqualTo("not_your_response");

        Response mine = given().header("Authorization", "Bearer " + creator.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"previous_response_id\":\"" + id + "\"}")
                .post("/v1/responses/compact");
        assertThat(mine.statusCode()).isEqualTo(200);
    }

    @Test
    void theOwnerIsKeptInPostgresWithoutContentSoAGatewayThatDidNotSeeTheCreationRefusesToo() throws SQLException {
        Admin.Key creator = Admin.newKey();
        String id = create(creator, false);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> owner(id) != null);
        assertThat(owner(id)).isEqualTo("employee:" + creator.employeeId());

        // written by another gateway: this one has never seen the id, and asks PostgreSQL
        String elsewhere = responseId();
        try (Connection c = database.getConnection();
                PreparedStatement s =
                        c.prepareStatement("INSERT INTO response_owner (response_id, owner) VALUES (?, ?)")) {
            s.setString(1, elsewhere);
            s.setString(2, "employee:" + UUID.randomUUID());
            s.executeUpdate();
        }
        Admin.Key someone = Admin.newKey();
        assertNotFoundAsTheProviderSays(
                given().header("Authorization", "Bearer " + someone.key()).get("/v1/responses/" + elsewhere),
                elsewhere,
                "responses.retrieve");
        assertThat(seenAtPrefix("/v1/responses/" + elsewhere)).isZero();
    }

    private String owner(String id) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT owner FROM response_owner WHERE response_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) : null;
            }
        }
    }
}
