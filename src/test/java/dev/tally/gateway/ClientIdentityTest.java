package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The user agent's family as the usage event's {@code client}: small, lower case, without versions. */
class ClientIdentityTest {

    @Test
    void theFamiliesOfTheClientsTallyExpects() {
        assertThat(ClientIdentity.family("claude-cli/2.1.332 (external, sdk-cli)")).isEqualTo("claude-cli");
        assertThat(ClientIdentity.family("claude-cli/2.1.69 (external, cli)")).isEqualTo("claude-cli");
        assertThat(ClientIdentity.family("Anthropic/JS 0.39.0")).isEqualTo("anthropic/js");
        assertThat(ClientIdentity.family("Anthropic/Python 0.72.0")).isEqualTo("anthropic/python");
        assertThat(ClientIdentity.family("OpenAI/JS 6.49.0")).isEqualTo("openai/js");
        assertThat(ClientIdentity.family("OpenAI/Python 1.50.0")).isEqualTo("openai/python");
        assertThat(ClientIdentity.family("curl/8.5.0")).isEqualTo("curl");
        assertThat(ClientIdentity.family("python-httpx/0.27.0")).isEqualTo("python-httpx");
        assertThat(ClientIdentity.family("Go-http-client/1.1")).isEqualTo("go-http-client");
        assertThat(ClientIdentity.family("node")).isEqualTo("node");
        assertThat(ClientIdentity.family("my-tool/v2")).isEqualTo("my-tool");
    }

    @Test
    void nothingUsableIsNullAndAnythingElseIsBoundedAndPlain() {
        assertThat(ClientIdentity.family(null)).isNull();
        assertThat(ClientIdentity.family("")).isNull();
        assertThat(ClientIdentity.family("   ")).isNull();
        assertThat(ClientIdentity.family("(compatible)")).isNull();
        assertThat(ClientIdentity.family("\"évil\"\u0000tool/1")).isEqualTo("viltool");
        assertThat(ClientIdentity.family("x".repeat(500))).hasSize(ClientIdentity.MAX_LENGTH);
        assertThat(ClientIdentity.family("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0")).isEqualTo("mozilla");
    }
}
