package dev.tally.sdk;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.gateway.Admin;
import dev.tally.gateway.FakeProvider;
import dev.tally.platform.TestStack;

/**
 * The real Codex CLI of OpenAI (its native binary, pinned in {@code sdk-compat/package-lock.json})
 * pointed at Tally the way docs/gateway.md says, over the Responses API, with Tally's OpenAI provider
 * the tests' fake upstream: a prompt whose tokens in Tally are the ones Codex itself reports, grouped
 * as Codex's session, and a revoked key that stops it with Tally's message. Skipped, saying why, where
 * the CLI is not installed.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class CodexTest {

    static final String MODEL = "gpt-4o-mini";

    @RegisterExtension
    static final WhereInstalled CLI = new WhereInstalled(CodexCli::missing);

    @Test
    void aPromptIsCountedWithTheTokensCodexReportsAndGroupedAsItsSession() {
        Admin.Key key = Admin.newKey();
        int seenBefore = FakeProvider.SEEN.size();
        CodexCli.Result r = CodexCli.exec(ClaudeCodeTest.baseUrl(), key.key(), MODEL, "Say hello");
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.text()).as("%s", r).isEqualTo("Hello there!");
        String thread = r.event("thread.started").path("thread_id").asText();
        assertThat(thread).as("%s", r).isNotBlank();
        JsonNode codexUsage = r.event("turn.completed").path("usage");

        List<FakeProvider.Seen> requests = FakeProvider.SEEN.subList(seenBefore, FakeProvider.SEEN.size()).stream()
                .filter(s -> s.headers().get("user-agent").startsWith("codex_exec/"))
                .toList();
        assertThat(requests).as("Codex's requests at the provider").isNotEmpty();
        for (FakeProvider.Seen seen : requests) {
            assertThat(seen.path()).isEqualTo("/v1/responses");
            // Tally's secret for the provider, not the key; Codex's session headers stay with Tally
            assertThat(seen.headers().get("authorization")).isEqualTo("Bearer " + FakeProvider.OPENAI_SECRET);
            assertThat(seen.headers().get("session-id")).isNull();
            assertThat(seen.body().getBoolean("stream")).isTrue();
        }
        List<JsonNode> calls = afterFence(key).stream()
                .filter(e -> thread.equals(e.path("data").path("runId").asText()))
                .toList();
        assertThat(calls).as("the session's calls, one event each").hasSameSizeAs(requests);
        long input = 0, cached = 0, output = 0, reasoning = 0;
        for (JsonNode e : calls) {
            JsonNode d = e.path("data");
            assertThat(d.path("outcome").asText()).isEqualTo("ok");
            assertThat(d.path("api").asText()).isEqualTo("responses");
            assertThat(d.path("client").asText()).isEqualTo("codex");
            assertThat(d.path("teamId").asText()).isEqualTo(key.teamId());
            assertThat(d.path("estimated").asBoolean()).isFalse();
            // gpt-4o-mini: $0.15 in, $0.075 cached, $0.60 out per MTok
            assertThat(d.path("costNanos").asLong())
                    .isEqualTo(d.path("inputTokens").asLong() * 150
                            + d.path("cacheReadTokens").asLong() * 75
                            + d.path("outputTokens").asLong() * 600);
            input += d.path("inputTokens").asLong() + d.path("cacheReadTokens").asLong();
            cached += d.path("cacheReadTokens").asLong();
            output += d.path("outputTokens").asLong();
            reasoning += d.path("reasoningTokens").asLong();
        }
        // Codex's input_tokens include its cached ones, as the Responses API counts them; Tally counts
        // each token once, the cached ones apart
        assertThat(List.of(input, cached, output, reasoning))
                .as("Tally's tokens against what Codex reported: %s", codexUsage)
                .containsExactly(
                        codexUsage.path("input_tokens").asLong(),
                        codexUsage.path("cached_input_tokens").asLong(),
                        codexUsage.path("output_tokens").asLong(),
                        codexUsage.path("reasoning_output_tokens").asLong());
        assertThat(input).isPositive();
    }

    @Test
    void aRevokedKeyStopsCodexWithTallysMessage() {
        Admin.Key key = Admin.newKey();
        Admin.revokeAndWait(key);
        // one retry instead of Codex's default five, whose back-off takes about ten seconds
        CodexCli.Result r =
                CodexCli.exec(ClaudeCodeTest.baseUrl(), key.key(), MODEL, "Say hello", "stream_max_retries = 1\n");
        assertThat(r.exit()).as("%s", r).isNotZero();
        assertThat(r.stdout() + r.stderr()).contains("this API key was revoked on ");

        List<JsonNode> refused = afterFence(key).stream()
                .filter(e -> "codex".equals(e.path("data").path("client").asText()))
                .toList();
        // Codex retries a refused stream (stream_max_retries, 5 by default, 1 here) whatever
        // x-should-retry says, then stops with the message; each attempt is one refusal, under the key
        assertThat(refused).as("requests Codex made with the revoked key").hasSize(1 + 1);
        for (JsonNode e : refused) {
            assertThat(e.path("data").path("refusal").asText()).isEqualTo("revoked");
            assertThat(e.path("data").path("api").asText()).isEqualTo("responses");
        }
    }

    /** Every event of the key's calls so far, up to a Responses API call of the test's own (the fence). */
    static List<JsonNode> afterFence(Admin.Key key) {
        return CLI.events()
                .forKeyBefore(
                        key.keyId(),
                        () -> given().header("Authorization", "Bearer " + key.key())
                                .contentType(ContentType.JSON)
                                .body("{\"model\":\"" + MODEL + "\",\"input\":\"fence\"}")
                                .post("/v1/responses")
                                .header("x-request-id"));
    }
}
