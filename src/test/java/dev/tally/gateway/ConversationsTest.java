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
import java.util.function.Function;

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
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;

import dev.tally.platform.TestStack;

/**
 * OpenAI's Conversations API through the real gateway to the fake provider (docs/gateway.md, "Whose
 * stored response or conversation"): every call by the creator's keys reaches the provider unchanged
 * and is recorded as the free call it is; another person's key gets the provider's not-found answer,
 * on every call and on a Responses API create naming the conversation, and the provider never hears
 * of it.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ConversationsTest {

    static UsageEvents events;

    @Inject
    DataSource database;

    @Inject
    ResponseOwners owners;

    @BeforeAll
    static void consumer() {
        events = new UsageEvents();
    }

    @AfterAll
    static void close() {
        events.close();
    }

    static RequestSpecification as(Admin.Key key) {
        return given().header("Authorization", "Bearer " + key.key());
    }

    /** Creates a conversation with {@code key}; returns its id, as the client got it. */
    static String create(Admin.Key key) {
        Response r = as(key).contentType(ContentType.JSON).body("{}").post("/v1/conversations");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.jsonPath().getString("id");
    }

    /** The requests the fake received at this path with this method. */
    static List<FakeProvider.Seen> seen(String method, String path) {
        return FakeProvider.SEEN.stream()
                .filter(s -> s.method().equals(method) && s.path().equals(path))
                .toList();
    }

    static long seenAtPrefix(String prefix) {
        return FakeProvider.SEEN.stream()
                .filter(s -> s.path().startsWith(prefix))
                .count();
    }

    /** The one request the fake received: with the provider's secret, never the client's Tally key. */
    static FakeProvider.Seen seenOnce(String method, String path, Admin.Key key) {
        List<FakeProvider.Seen> seen = seen(method, path);
        assertThat(seen).as(method + " " + path + " at the provider").hasSize(1);
        FakeProvider.Seen s = seen.get(0);
        ResponsesStoredCallsTest.assertProvidersSecret(s, key);
        return s;
    }

    /** Recorded once, as the free call it is: nothing counted, nothing charged. */
    static void assertRecordedUnbilled(Response r, Admin.Key key, String api) {
        ResponsesStoredCallsTest.assertRecordedUnbilled(events, r, key, api, false);
    }

    @Test
    void theCreatorAndTheirSecondKeyReachEveryConversationCallWithTheBodyAndDocumentedQueryUnchanged() {
        Admin.Key creator = Admin.newKey();
        String created = "{\"metadata\":{\"topic\":\"demo\"},\"items\":[{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":\"Hello!\"}]}";
        Response c = as(creator).contentType(ContentType.JSON).body(created).post("/v1/conversations");
        assertThat(c.statusCode()).isEqualTo(200);
        String id = c.jsonPath().getString("id");
        assertThat(id).matches("conv_[0-9a-f]{48}");
        assertThat(c.asString()).isEqualTo(FakeProvider.conversation(id, new JsonObject("{\"topic\":\"demo\"}")));
        assertThat(c.header("x-upstream-request-id")).isEqualTo("req_upstream_conversations");
        assertRecordedUnbilled(c, creator, "conversations.create");
        assertThat(create(creator)).as("a new id per create").isNotEqualTo(id);

        Admin.Key second = Admin.anotherKey(creator, Map.of());
        String path = "/v1/conversations/" + id;

        Response get = as(second).get(path);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.asString()).isEqualTo(FakeProvider.conversation(id, null));
        seenOnce("GET", path, second);
        assertRecordedUnbilled(get, second, "conversations.retrieve");

        String update = "{\"metadata\":{\"topic\":\"project-x\"}}";
        Response post = as(second).contentType(ContentType.JSON).body(update).post(path);
        assertThat(post.statusCode()).isEqualTo(200);
        assertThat(post.jsonPath().getString("metadata.topic")).isEqualTo("project-x");
        assertThat(seenOnce("POST", path, second).body()).isEqualTo(new JsonObject(update));
        assertRecordedUnbilled(post, second, "conversations.update");

        String items = "{\"items\":[{\"type\":\"message\",\"role\":\"user\",\"content\":\"And then?\"}]}";
        Response added = as(second)
                .urlEncodingEnabled(false)
                .contentType(ContentType.JSON)
                .body(items)
                .post(path + "/items?include%5B%5D=message.input_image.image_url&stray=1");
        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(added.asString()).isEqualTo(FakeProvider.conversationItems());
        FakeProvider.Seen addedSeen = seenOnce("POST", path + "/items", second);
        assertThat(addedSeen.body()).isEqualTo(new JsonObject(items));
        assertThat(addedSeen.query()).isEqualTo("include%5B%5D=message.input_image.image_url");
        assertRecordedUnbilled(added, second, "conversations.items.create");

        String query = "after=msg_abc&limit=10&order=asc&include%5B%5D=message.output_text.logprobs";
        Response list = as(second).urlEncodingEnabled(false).get(path + "/items?" + query + "&unknown=1");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.asString()).isEqualTo(FakeProvider.conversationItems());
        assertThat(seenOnce("GET", path + "/items", second).query()).isEqualTo(query);
        assertRecordedUnbilled(list, second, "conversations.items.list");

        String item = path + "/items/msg_abc123";
        Response one = as(second).get(item + "?include=message.output_text.logprobs");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.asString()).isEqualTo(FakeProvider.conversationItem("msg_abc123"));
        assertThat(seenOnce("GET", item, second).query()).isEqualTo("include=message.output_text.logprobs");
        assertRecordedUnbilled(one, second, "conversations.items.retrieve");

        Response removed = as(creator).delete(item);
        assertThat(removed.statusCode()).isEqualTo(200);
        assertThat(removed.asString()).isEqualTo(FakeProvider.conversation(id, null));
        assertThat(seenOnce("DELETE", item, creator).body()).isEqualTo(new JsonObject());
        assertRecordedUnbilled(removed, creator, "conversations.items.delete");

        Response deleted = as(creator).delete(path);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(deleted.asString()).isEqualTo(FakeProvider.deletedConversation(id));
        seenOnce("DELETE", path, creator);
        assertRecordedUnbilled(deleted, creator, "conversations.delete");
    }

    /** Every call on a conversation, as a key would make it. */
    static Map<String, Function<RequestSpecification, Response>> calls(String path) {
        return Map.of(
                "conversations.retrieve", s -> s.get(path),
                "conversations.update",
                        s -> s.contentType(ContentType.JSON)
                                .body("{\"metadata\":{\"topic\":\"mine now\"}}")
                                .post(path),
                "conversations.delete", s -> s.delete(path),
                "conversations.items.create",
                        s -> s.contentType(ContentType.JSON)
                                .body("{\"items\":[{\"type\":\"message\",\"role\":\"user\",\"content\":\"x\"}]}")
                                .post(path + "/items"),
                "conversations.items.list", s -> s.get(path + "/items?limit=100"),
                "conversations.items.retrieve", s -> s.get(path + "/items/msg_abc"),
                "conversations.items.delete", s -> s.delete(path + "/items/msg_abc"));
    }

    @Test
    void anotherPersonsKeyGetsTheNotFoundAnswerOnEveryConversationCallAndTheProviderIsNeverAsked() {
        Admin.Key creator = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String id = create(creator);
        String path = "/v1/conversations/" + id;
        calls(path).forEach((api, call) -> {
            Response r = call.apply(as(other));
            assertThat(r.statusCode()).as(api).isEqualTo(404);
            assertThat(r.asString()).as(api).isEqualTo(FakeProvider.conversationNotFound(id));
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            JsonNode d = events.await(r.header("x-request-id")).path("data");
            assertThat(d.path("api").asText()).isEqualTo(api);
            assertThat(d.path("outcome").asText()).isEqualTo("rejected");
            assertThat(d.path("refusal").asText()).isEqualTo("not_your_response");
            assertThat(d.path("costNanos").asLong()).isZero();
        });
        assertThat(seenAtPrefix(path))
                .as("nothing of another's calls reached the provider")
                .isZero();
    }

    @Test
    void aResponsesCreateNamingAnothersConversationIsRefusedInBothFormsAndTheOwnersGoesThrough() {
        Admin.Key creator = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String id = create(creator);
        for (String form : List.of("\"" + id + "\"", "{\"id\":\"" + id + "\"}")) {
            String marker = "conv-" + UUID.randomUUID();
            Response r = as(other)
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-4o-mini\",\"user\":\"" + marker + "\",\"input\":\"and then?\","
                            + "\"conversation\":" + form + "}")
                    .post("/v1/responses");
            assertThat(r.statusCode()).as(form).isEqualTo(404);
            assertThat(r.asString())
                    .isEqualTo("{\"error\":{\"message\":\"Conversation with id '" + id + "' not found.\","
                            + "\"type\":\"invalid_request_error\",\"param\":\"conversation\",\"code\":null}}");
            assertThat(r.header("x-should-retry")).isEqualTo("false");
            assertThat(FakeProvider.BY_MARKER.get(marker))
                    .as("the provider never saw the call")
                    .isNull();
            JsonNode d = events.await(r.header("x-request-id")).path("data");
            assertThat(d.path("api").asText()).isEqualTo("responses");
            assertThat(d.path("refusal").asText()).isEqualTo("not_your_response");
            assertThat(d.path("costNanos").asLong()).isZero();

            String mine = "conv-" + UUID.randomUUID();
            Response own = as(creator)
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-4o-mini\",\"user\":\"" + mine + "\",\"input\":\"and then?\","
                            + "\"conversation\":" + form + "}")
                    .post("/v1/responses");
            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(FakeProvider.BY_MARKER.get(mine).body().getValue("conversation"))
                    .as("the body went on as it came")
                    .isEqualTo(new JsonObject("{\"c\":" + form + "}").getValue("c"));
        }
        // an id nobody is recorded for (made before Tally recorded owners, or outside it) is anyone's
        String marker = "conv-" + UUID.randomUUID();
        Response nobodys = as(other)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"user\":\"" + marker + "\",\"input\":\"x\","
                        + "\"conversation\":\"conv_"
                        + UUID.randomUUID().toString().replace("-", "") + "\"}")
                .post("/v1/responses");
        assertThat(nobodys.statusCode()).isEqualTo(200);
        assertThat(FakeProvider.BY_MARKER.get(marker)).isNotNull();
    }

    @Test
    void aConversationThatIsNeitherAnIdNorAnObjectWithAnIdOrIsGivenTwiceOrBesidePreviousResponseIdIsA400() {
        Admin.Key key = Admin.newKey();
        int before = FakeProvider.REQUESTS.get();
        for (String conversation : List.of(
                "7",
                "[\"conv_1\"]",
                "{}",
                "{\"id\":3}",
                "\"conv_1\",\"conversation\":\"conv_2\"",
                "\"conv_1\",\"previous_response_id\":\"resp_1\"")) {
            Response r = as(key).contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-4o-mini\",\"input\":\"x\",\"conversation\":" + conversation + "}")
                    .post("/v1/responses");
            assertThat(r.statusCode()).as(conversation).isEqualTo(400);
            assertThat(r.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");
            assertThat(r.jsonPath().getString("error.param")).isEqualTo("conversation");
            assertThat(r.jsonPath().getString("error.message")).startsWith("conversation: ");
            assertThat(r.header("x-should-retry")).isEqualTo("false");
        }
        assertThat(FakeProvider.REQUESTS.get())
                .as("nothing reached the provider")
                .isEqualTo(before);

        // another API's body may carry a field of that name: not the gateway's business
        Response chat = as(key).contentType(ContentType.JSON)
                .body(
                        "{\"model\":\"gpt-4o-mini\",\"conversation\":7,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertThat(chat.statusCode()).isEqualTo(200);
    }

    @Test
    void unsafeIdsInConversationPathsAreNotServedAndAnotherMethodIsA405NamingTheOnesTaken() {
        Admin.Key key = Admin.newKey();
        int before = FakeProvider.REQUESTS.get();
        for (String path : List.of(
                "/v1/conversations/conv_1%2F..%2F..%2Ffiles",
                "/v1/conversations/conv_1/items/msg_1%2F..",
                "/v1/conversations/conv.1",
                "/v1/conversations/" + "c".repeat(129),
                "/v1/conversations/conv_1/items/" + "m".repeat(129),
                "/v1/conversations/conv_1/items/msg_1/more",
                "/v1/conversations/conv_1/other",
                "/v1/conversations/")) {
            Response r = as(key).urlEncodingEnabled(false).get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            assertThat(r.jsonPath().getString("error.code")).as(path).isEqualTo("not_found");
        }
        Map<String, String> allowed = Map.of(
                "/v1/conversations", "POST",
                "/v1/conversations/conv_1", "GET, POST, DELETE",
                "/v1/conversations/conv_1/items", "POST, GET",
                "/v1/conversations/conv_1/items/msg_1", "GET, DELETE");
        allowed.forEach((path, methods) -> {
            Response r = as(key).put(path);
            assertThat(r.statusCode()).as(path).isEqualTo(405);
            assertThat(r.header("allow")).as(path).isEqualTo(methods);
            assertThat(r.jsonPath().getString("error.code")).isEqualTo("method_not_allowed");
        });
        assertThat(as(key).get("/v1/conversations").statusCode()).isEqualTo(405);
        assertThat(FakeProvider.REQUESTS.get())
                .as("nothing reached the provider")
                .isEqualTo(before);
    }

    @Test
    void aRevokedKeyIsRefusedAndTheKeysRequestsPerMinuteHold() {
        Admin.Key revoked = Admin.newKey();
        Admin.revokeAndWait(revoked);
        int before = FakeProvider.REQUESTS.get();
        Response r = as(revoked).contentType(ContentType.JSON).body("{}").post("/v1/conversations");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.jsonPath().getString("error.code")).isEqualTo("invalid_api_key");
        assertThat(as(revoked).get("/v1/conversations/conv_1/items").statusCode())
                .isEqualTo(401);
        assertThat(FakeProvider.REQUESTS.get())
                .as("nothing reached the provider")
                .isEqualTo(before);

        Admin.Key limited = Admin.newKey(Map.of("requestsPerMinute", 1));
        assertThat(as(limited)
                        .contentType(ContentType.JSON)
                        .body("{}")
                        .post("/v1/conversations")
                        .statusCode())
                .isEqualTo(200);
        Response second = as(limited).get("/v1/conversations/conv_1");
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.jsonPath().getString("error.type")).isEqualTo("rate_limit_error");
    }

    @Test
    void theProvidersAnswerForAConversationItDoesNotHoldIsPassedThrough() {
        Admin.Key key = Admin.newKey();
        Response r = as(key).get("/v1/conversations/" + FakeProvider.MISSING_CONVERSATION);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.asString()).isEqualTo(FakeProvider.conversationNotFound(FakeProvider.MISSING_CONVERSATION));
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("outcome").asText()).isEqualTo("upstream_error");
        assertThat(d.path("refusal").isNull() || d.path("refusal").isMissingNode())
                .isTrue();
    }

    @Test
    void aConversationsOwnerIsKeptInPostgresPastTheResponsesRetentionSoAGatewayThatDidNotSeeItRefusesToo()
            throws SQLException {
        Admin.Key creator = Admin.newKey();
        String id = create(creator);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> owner(id) != null);
        assertThat(owner(id)).isEqualTo("employee:" + creator.employeeId() + " conversation");

        // written by another gateway, long ago: this one has never seen either id and asks PostgreSQL
        String elsewhere = "conv_" + UUID.randomUUID().toString().replace("-", "");
        String oldResponse = "resp_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = database.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO response_owner (response_id, owner, conversation,"
                        + " created_at) VALUES (?, ?, ?, now() - interval '400 days')")) {
            s.setString(1, elsewhere);
            s.setString(2, "employee:" + UUID.randomUUID());
            s.setBoolean(3, true);
            s.addBatch();
            s.setString(1, oldResponse);
            s.setString(2, "employee:" + UUID.randomUUID());
            s.setBoolean(3, false);
            s.addBatch();
            s.executeBatch();
        }
        // the provider keeps a conversation until it is deleted: its owner outlives the responses' 35 days
        owners.forgetOld();
        assertThat(owner(oldResponse)).isNull();
        assertThat(owner(elsewhere)).isNotNull();

        Admin.Key someone = Admin.newKey();
        Response r = as(someone).get("/v1/conversations/" + elsewhere + "/items");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.asString()).isEqualTo(FakeProvider.conversationNotFound(elsewhere));
        assertThat(seenAtPrefix("/v1/conversations/" + elsewhere)).isZero();
    }

    /** The owner recorded for {@code id}, and " conversation" when it is recorded as one. */
    private String owner(String id) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT owner, conversation FROM response_owner WHERE response_id = ?")) {
            s.setString(1, id);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? r.getString(1) + (r.getBoolean(2) ? " conversation" : "") : null;
            }
        }
    }
}
