package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.demo.DemoProfile;
import dev.tally.platform.TallyServices;

/**
 * The demo contract: with tally.gateway.simulate=true (implied by tally.demo.enabled, whose
 * application this test shares) every model is answered by the built-in simulated provider (no
 * upstream exists here: the providers point at a closed port), in the documented shapes, and its
 * calls are accounted exactly like real ones. The demo's own traffic runs meanwhile; each call here is
 * found by its request id, with its own key.
 */
@QuarkusTest
@WithTestResource(TallyServices.class)
@TestProfile(DemoProfile.class)
class SimulatedProviderTest {

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
    void openAiJsonIsAnsweredAndCountedFromItsOwnUsage() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getString("object")).isEqualTo("chat.completion");
        assertThat(r.jsonPath().getString("choices[0].message.content")).isNotBlank();
        long prompt = r.jsonPath().getLong("usage.prompt_tokens");
        long cached = r.jsonPath().getLong("usage.prompt_tokens_details.cached_tokens");
        long completion = r.jsonPath().getLong("usage.completion_tokens");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("provider").asText()).isEqualTo("simulated");
        assertThat(d.path("inputTokens").asLong()).isEqualTo(prompt - cached);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(cached);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(completion);
        assertThat(d.path("costNanos").asLong()).isEqualTo((prompt - cached) * 150 + cached * 75 + completion * 600);
    }

    @Test
    void streamsComeInBothShapesWithUsage() {
        Admin.Key key = Admin.newKey();
        Response openai = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
        assertThat(openai.contentType()).startsWith("text/event-stream");
        assertThat(openai.asString())
                .contains("chat.completion.chunk")
                .endsWith("data: [DONE]\n\n")
                .doesNotContain("\"choices\":[]");
        assertThat(events.await(openai.header("x-request-id"))
                        .at("/data/outputTokens")
                        .asLong())
                .isPositive();

        Response anthropic = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":100,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
        assertThat(anthropic.asString())
                .startsWith("event: message_start")
                .contains("event: message_delta")
                .contains("\"cache_read_input_tokens\"");
        JsonNode d = events.await(anthropic.header("x-request-id")).path("data");
        assertThat(d.path("outputTokens").asLong()).isPositive();
        assertThat(d.path("priced").asBoolean()).isTrue();
        assertThat(d.path("estimated").asBoolean()).isFalse();
    }

    @Test
    void theResponsesApiIsAnsweredInItsOwnShapesAndCountedFromTheirUsage() throws Exception {
        Admin.Key key = Admin.newKey();
        Response json = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"input\":\"Hi\"}")
                .post("/v1/responses");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.jsonPath().getString("object")).isEqualTo("response");
        assertThat(json.jsonPath().getString("status")).isEqualTo("completed");
        assertThat(json.jsonPath().getString("output[0].content[0].type")).isEqualTo("output_text");
        long input = json.jsonPath().getLong("usage.input_tokens");
        long cached = json.jsonPath().getLong("usage.input_tokens_details.cached_tokens");
        long output = json.jsonPath().getLong("usage.output_tokens");
        JsonNode d = events.await(json.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo("responses");
        assertThat(d.path("inputTokens").asLong()).isEqualTo(input - cached);
        assertThat(d.path("cacheReadTokens").asLong()).isEqualTo(cached);
        assertThat(d.path("outputTokens").asLong()).isEqualTo(output);
        assertThat(d.path("costNanos").asLong()).isEqualTo((input - cached) * 150 + cached * 75 + output * 600);

        Response stream = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"stream\":true,\"input\":\"Hi\"}")
                .post("/v1/responses");
        assertThat(stream.contentType()).startsWith("text/event-stream");
        String body = stream.asString();
        assertThat(body)
                .startsWith("event: response.created\n")
                .contains("event: response.output_text.delta\n")
                .contains("event: response.completed\n")
                .doesNotContain("[DONE]");
        String last = "event: response.completed\ndata: ";
        String completed = body.substring(body.indexOf(last) + last.length()).trim();
        JsonNode usage = UsageParser.MAPPER.readTree(completed).path("response").path("usage");
        JsonNode s = events.await(stream.header("x-request-id")).path("data");
        assertThat(s.path("stream").asBoolean()).isTrue();
        assertThat(s.path("estimated").asBoolean()).isFalse();
        assertThat(s.path("outputTokens").asLong())
                .isEqualTo(usage.path("output_tokens").asLong());
        assertThat(s.path("inputTokens").asLong() + s.path("cacheReadTokens").asLong())
                .isEqualTo(usage.path("input_tokens").asLong());

        Response compact = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"input\":\"a long session\"}")
                .post("/v1/responses/compact");
        assertThat(compact.jsonPath().getString("object")).isEqualTo("response.compaction");
        JsonNode c = events.await(compact.header("x-request-id")).path("data");
        assertThat(c.path("api").asText()).isEqualTo("responses.compact");
        assertThat(c.path("outputTokens").asLong()).isEqualTo(compact.jsonPath().getLong("usage.output_tokens"));
        assertThat(c.path("inputTokens").asLong()).isEqualTo(compact.jsonPath().getLong("usage.input_tokens"));
    }

    @Test
    void anyModelIsAnsweredEvenWithoutARoute() {
        Admin.Key key = Admin.newKey();
        Response r = given().header("x-api-key", key.key())
                .header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON)
                .body(
                        "{\"model\":\"llama-3.3-70b\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getString("type")).isEqualTo("message");
        JsonNode d = events.await(r.header("x-request-id")).path("data");
        assertThat(d.path("priced").asBoolean()).isFalse();
    }

    @Test
    void conversationsAreAnsweredInOpenAisShapesWithAFreshIdPerCreateAndKeptForTheirCreator() {
        Admin.Key key = Admin.newKey();
        Response created = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{\"metadata\":{\"topic\":\"demo\"}}")
                .post("/v1/conversations");
        assertThat(created.statusCode()).isEqualTo(200);
        String id = created.jsonPath().getString("id");
        assertThat(id).startsWith("conv_sim");
        assertThat(created.jsonPath().getString("object")).isEqualTo("conversation");
        assertThat(created.jsonPath().getLong("created_at")).isPositive();
        JsonNode d = events.await(created.header("x-request-id")).path("data");
        assertThat(d.path("api").asText()).isEqualTo("conversations.create");
        assertThat(d.path("provider").asText()).isEqualTo("simulated");
        assertThat(d.path("costNanos").asLong()).isZero();
        String again = given().header("Authorization", "Bearer " + key.key())
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/v1/conversations")
                .jsonPath()
                .getString("id");
        assertThat(again).startsWith("conv_sim").isNotEqualTo(id);

        String path = "/v1/conversations/" + id;
        Response got = given().header("Authorization", "Bearer " + key.key()).get(path);
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(got.jsonPath().getString("id")).isEqualTo(id);
        assertThat(got.jsonPath().getString("object")).isEqualTo("conversation");
        Response items = given().header("Authorization", "Bearer " + key.key()).get(path + "/items");
        assertThat(items.jsonPath().getString("object")).isEqualTo("list");
        assertThat(items.jsonPath().getBoolean("has_more")).isFalse();
        Response deleted =
                given().header("Authorization", "Bearer " + key.key()).delete(path);
        assertThat(deleted.jsonPath().getString("object")).isEqualTo("conversation.deleted");
        assertThat(deleted.jsonPath().getBoolean("deleted")).isTrue();

        Response other = given().header(
                        "Authorization", "Bearer " + Admin.newKey().key())
                .get(path);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.jsonPath().getString("error.message"))
                .isEqualTo("Conversation with id '" + id + "' not found.");
    }
}
