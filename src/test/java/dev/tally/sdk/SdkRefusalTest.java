package dev.tally.sdk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;

import dev.tally.gateway.Admin;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * The official OpenAI and Anthropic SDKs, with their default retry settings, against each refusal
 * of the gateway ({@code sdk-compat/refusals.mjs}, run once for the class): what retrying cannot
 * cure costs exactly one request and the SDK shows Tally's message; a rate limit and an unreachable
 * provider are retried, as they may pass. Requests are counted in the SDK's own fetch.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class SdkRefusalTest {

    static final List<String> SDKS = List.of("openai", "anthropic");
    /** The SDKs' default: two retries after the first attempt. */
    static final int DEFAULT_ATTEMPTS = 3;

    record Run(Admin.Key key, Admin.Key revoked, Map<String, JsonNode> calls) {
        JsonNode line(String name) {
            JsonNode n = calls.get(name);
            assertThat(n)
                    .as("the script printed no line for %s; lines: %s", name, calls.keySet())
                    .isNotNull();
            assertThat(n.path("ok").asBoolean()).as("%s: %s", name, n).isTrue();
            assertThat(n.path("refused").asBoolean())
                    .as("%s should have been refused: %s", name, n)
                    .isTrue();
            return n;
        }
    }

    static Run run;
    static String missing = SdkRun.missing();

    @BeforeEach
    void requireNodeAndTheSdks() {
        assumeTrue(missing == null, missing);
    }

    static synchronized Run run() {
        if (run != null) {
            return run;
        }
        Admin.Key key = Admin.newKey();
        Admin.Key revoked = Admin.anotherKey(key, Map.of("name", "old laptop"));
        Admin.revokeAndWait(revoked);
        Admin.Key restricted =
                Admin.anotherKey(key, Map.of("allowedModels", List.of("gpt-4.1-nano", "claude-haiku-4-5")));
        Admin.Key limitedOpenAi = Admin.anotherKey(key, Map.of("requestsPerMinute", 1));
        Admin.Key limitedAnthropic = Admin.anotherKey(key, Map.of("requestsPerMinute", 1));
        Admin.Key spent = Admin.anotherKey(key, Map.of("name", "spent"));
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "SDK cap",
                        "scope",
                        "key",
                        "scopeId",
                        spent.keyId(),
                        "period",
                        "day",
                        "amountUsd",
                        "0",
                        "mode",
                        "block"))
                .post("/api/admin/budgets")
                .then()
                .statusCode(201);
        // the gateway learns of the budget at its next refresh (every second)
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> given().header("Authorization", "Bearer " + spent.key())
                                .contentType(ContentType.JSON)
                                .body("{\"model\":\"gpt-4o-mini\",\"messages\":[]}")
                                .post("/v1/chat/completions")
                                .statusCode()
                        == 402);
        Map<String, JsonNode> calls = SdkRun.run(
                "refusals.mjs",
                RestAssured.baseURI + ":" + RestAssured.port,
                key.key(),
                "refusals-" + UUID.randomUUID(),
                Map.of(
                        "TALLY_REVOKED_KEY",
                        revoked.key(),
                        "TALLY_RESTRICTED_KEY",
                        restricted.key(),
                        "TALLY_LIMITED_KEY_OPENAI",
                        limitedOpenAi.key(),
                        "TALLY_LIMITED_KEY_ANTHROPIC",
                        limitedAnthropic.key(),
                        "TALLY_SPENT_KEY",
                        spent.key()));
        run = new Run(key, revoked, calls);
        return run;
    }

    /** One request, the status, x-should-retry: false, and the SDK's error carrying Tally's message. */
    static JsonNode assertStoppedAtOnce(String sdk, String call, int status, String message) {
        JsonNode n = run().line(sdk + ".stopped." + call);
        assertThat(n.path("requests").asInt())
                .as("%s %s: requests the SDK sent", sdk, call)
                .isEqualTo(1);
        assertThat(n.path("shouldRetry").get(0).asText()).as("%s %s", sdk, call).isEqualTo("false");
        JsonNode error = n.path("error");
        assertThat(error.path("status").asInt()).as("%s %s", sdk, call).isEqualTo(status);
        assertThat(error.path("message").asText())
                .as("%s %s: the SDK's message", sdk, call)
                .contains(message);
        return error;
    }

    @Test
    void aRevokedKeyIsOneRequestAndTheSdkSaysWhenItWasRevokedAndWhereToMakeANewOne() {
        Run r = run();
        for (String sdk : SDKS) {
            JsonNode error = assertStoppedAtOnce(sdk, "revoked", 401, "this API key was revoked on ");
            assertThat(error.path("message").asText())
                    .contains("; create a new one at http://localhost:" + RestAssured.port + "/me");
            assertThat(error.path("class").asText()).isEqualTo("AuthenticationError");
        }
        assertThat(r.revoked().keyId()).isNotBlank();
    }

    @Test
    void aModelOutsideTheAllowListIsOneRequestAndTheSdkListsWhatIsAllowed() {
        for (String sdk : SDKS) {
            String model = sdk.equals("openai") ? "gpt-4o-mini" : "claude-sonnet-4-5";
            JsonNode error = assertStoppedAtOnce(
                    sdk,
                    "model_not_allowed",
                    403,
                    "model " + model + " is not allowed for this key; allowed: claude-haiku-4-5, gpt-4.1-nano");
            assertThat(error.path("class").asText()).isEqualTo("PermissionDeniedError");
        }
    }

    @Test
    void aModelWithoutARouteIsOneRequest() {
        for (String sdk : SDKS) {
            assertStoppedAtOnce(sdk, "no_route", 404, "no provider is configured for model llama-3.3-70b");
        }
    }

    @Test
    void aBadRequestIsOneRequest() {
        for (String sdk : SDKS) {
            assertStoppedAtOnce(sdk, "bad_request", 400, "x-tally-run-id must be");
        }
    }

    @Test
    void aBodyOverTheLimitIsOneRequest() {
        for (String sdk : SDKS) {
            assertStoppedAtOnce(sdk, "too_large", 413, "larger than");
        }
    }

    @Test
    void aSpentBudgetIsOneRequestAndTheSdkSaysWhenItResets() {
        for (String sdk : SDKS) {
            JsonNode error =
                    assertStoppedAtOnce(sdk, "budget_exceeded", 402, "is spent; calls are refused until it resets at ");
            assertThat(error.path("message").asText()).contains("budget SDK cap");
        }
    }

    @Test
    void aRateLimitIsRetriedAsItsRetryAfterAllows() {
        for (String sdk : SDKS) {
            JsonNode n = run().line(sdk + ".retried.rate_limited");
            assertThat(n.path("requests").asInt()).as("%s: requests", sdk).isEqualTo(DEFAULT_ATTEMPTS);
            for (int i = 0; i < DEFAULT_ATTEMPTS; i++) {
                assertThat(n.path("statuses").get(i).asInt()).isEqualTo(429);
                assertThat(n.path("shouldRetry").get(i).isNull())
                        .as("no x-should-retry on a 429")
                        .isTrue();
                // the real reset of the key's one-minute window
                assertThat(n.path("retryAfter").get(i).asInt()).isBetween(1, 60);
            }
            assertThat(n.path("error").path("status").asInt()).isEqualTo(429);
            assertThat(n.path("error").path("message").asText()).contains("rate limit reached for this key");
        }
    }

    @Test
    void anUnreachableProviderIsRetried() {
        for (String sdk : SDKS) {
            JsonNode n = run().line(sdk + ".retried.unreachable");
            assertThat(n.path("requests").asInt()).as("%s: requests", sdk).isEqualTo(DEFAULT_ATTEMPTS);
            for (int i = 0; i < DEFAULT_ATTEMPTS; i++) {
                assertThat(n.path("statuses").get(i).asInt()).isEqualTo(502);
                assertThat(n.path("shouldRetry").get(i).isNull())
                        .as("no x-should-retry on a 502")
                        .isTrue();
            }
            assertThat(n.path("error").path("status").asInt()).isEqualTo(502);
        }
    }
}
