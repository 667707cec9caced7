package dev.tally.workload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The client rules of docs/workloads.md, one by one, and the bound on the names they give. */
class ClientDetectorTest {

    @Test
    void claudeCodeIsRecognisedByItsUserAgentOrItsAppHeaderBeforeTheSdkItIsBuiltOn() {
        assertThat(ClientDetector.detect("claude-cli/2.0.14 (external, cli)", null, "js"))
                .isEqualTo("claude-code");
        assertThat(ClientDetector.detect("Anthropic/JS 0.60.0", "cli", "js")).isEqualTo("claude-code");
        // Claude Code run by the Agent SDK says so in the comment; it is still Claude Code
        assertThat(ClientDetector.detect("claude-cli/2.1.332 (external, sdk-cli)", "cli", "js"))
                .isEqualTo("claude-code");
    }

    @Test
    void openAisCodexIsRecognisedByTheOriginatorItsUserAgentStartsWith() {
        // <originator>/<version> (<os> <os version>; <arch>) <terminal>, as Codex builds it
        for (String ua : new String[] {
            "codex_cli_rs/0.56.0 (Ubuntu 24.4.0; x86_64) xterm-256color",
            "codex_exec/0.56.0 (Mac OS 15.1.0; arm64) unknown",
            "codex-tui/0.149.1 (Mac OS 15.5.0; arm64) iTerm.app/3.5.14",
            "codex_vscode/0.56.0 (Windows 11.0.26100; x86_64) vscode/1.105.1",
            "Codex Desktop/0.150.0-alpha.8 (Mac OS 15.5.0; arm64) unknown"
        }) {
            assertThat(ClientDetector.detect(ua, null, null)).as(ua).isEqualTo("codex");
        }
        assertThat(ClientDetector.detect("codexify/1.0", null, null)).isEqualTo("other");
        assertThat(ClientDetector.NAMES).contains("codex");
    }

    @Test
    void theOfficialSdksAreNamedByVendorAndLanguage() {
        assertThat(ClientDetector.detect("Anthropic/Python 0.40.0", null, "python"))
                .isEqualTo("anthropic-sdk-python");
        assertThat(ClientDetector.detect("OpenAI/JS 6.49.0", null, "js")).isEqualTo("openai-sdk-js");
        assertThat(ClientDetector.detect("OpenAI/Java 2.1.0", null, null)).isEqualTo("openai-sdk-java");
        assertThat(ClientDetector.detect("openai/go 1.0", null, "Go")).isEqualTo("openai-sdk-go");
    }

    @Test
    void anUnknownLanguageIsOtherSoCallersCannotInventClientNames() {
        String c = ClientDetector.detect("OpenAI/Brainfuck 1.0", null, "brainfuck-" + System.nanoTime());
        assertThat(c).isEqualTo("openai-sdk-other");
        assertThat(ClientDetector.NAMES).contains(c, "claude-code", "curl", "other", "anthropic-sdk-python");
    }

    @Test
    void curlAndEverythingElse() {
        assertThat(ClientDetector.detect("curl/8.5.0", null, null)).isEqualTo("curl");
        assertThat(ClientDetector.detect("python-requests/2.32.3", null, null)).isEqualTo("other");
        assertThat(ClientDetector.detect(null, null, null)).isEqualTo("other");
        assertThat(ClientDetector.detect("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0", null, null))
                .isEqualTo("other");
    }

    @Test
    void hostileUserAgentsGiveOneOfTheKnownNames() {
        for (String ua : new String[] {
            "",
            "   ",
            "\"évil\"\u0000tool/1",
            "x".repeat(20_000),
            "Anthropic/",
            "OpenAI/ ",
            "Anthropic/" + "y".repeat(20_000)
        }) {
            assertThat(ClientDetector.detect(ua, "x".repeat(500), "\u0000"))
                    .as("user agent of %d characters", ua.length())
                    .isIn(ClientDetector.NAMES);
        }
    }
}
