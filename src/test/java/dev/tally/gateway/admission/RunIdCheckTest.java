package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tally.gateway.Api;

/** The run: x-tally-run-id first, Claude Code's or Codex's session id else; a malformed explicit one refused. */
class RunIdCheckTest {

    final RunIdCheck check = new RunIdCheck();

    @Test
    void theSessionIdOfClaudeCodeIsTheRunWhenNoneIsNamed() {
        FakeCall call =
                new FakeCall(Api.MESSAGES).with("x-claude-code-session-id", "c4b0ed36-f880-43ae-830d-60b2958f5d9c");
        assertThat(check.check(call)).isNull();
        assertThat(call.runId()).isEqualTo("c4b0ed36-f880-43ae-830d-60b2958f5d9c");
    }

    @Test
    void theSessionIdOfCodexIsTheRunOnlyWhenCodexSendsIt() {
        String thread = "01a24894-3d71-7283-9a87-13e9201aeb8b";
        FakeCall codex = new FakeCall(Api.RESPONSES)
                .with("user-agent", "codex_exec/0.171.0 (Debian 12.0.0; x86_64) unknown (codex_exec; 0.171.0)")
                .with("session-id", thread);
        assertThat(check.check(codex)).isNull();
        assertThat(codex.runId()).isEqualTo(thread);
        FakeCall older = new FakeCall(Api.RESPONSES)
                .with("user-agent", "codex_cli_rs/0.56.0 (Ubuntu 24.4.0; x86_64) xterm-256color")
                .with("session_id", thread);
        assertThat(check.check(older)).isNull();
        assertThat(older.runId()).isEqualTo(thread);
        // another client's header of that name says nothing about a run
        FakeCall other = new FakeCall(Api.RESPONSES)
                .with("user-agent", "OpenAI/JS 6.49.0")
                .with("session-id", thread);
        assertThat(check.check(other)).isNull();
        assertThat(other.runId()).isNull();
    }

    @Test
    void aNamedRunWins() {
        FakeCall call = new FakeCall(Api.MESSAGES)
                .with("x-tally-run-id", "loop.nightly_2:1")
                .with("x-claude-code-session-id", "c4b0ed36-f880-43ae-830d-60b2958f5d9c");
        assertThat(check.check(call)).isNull();
        assertThat(call.runId()).isEqualTo("loop.nightly_2:1");
    }

    @Test
    void aMalformedNamedRunIsABadRequestThatRetryingCannotFix() {
        for (String bad : new String[] {"", "a b", "x".repeat(129), "é", "a/b"}) {
            FakeCall call = new FakeCall(Api.MESSAGES).with("x-tally-run-id", bad);
            Refusal r = check.check(call);
            assertThat(r).as("run id '%s'", bad).isNotNull();
            assertThat(r.reason()).isEqualTo(RefusalReason.BAD_REQUEST);
            assertThat(r.reason().retryable).isFalse();
            assertThat(call.runId()).isNull();
        }
        FakeCall longest = new FakeCall(Api.MESSAGES).with("x-tally-run-id", "x".repeat(128));
        assertThat(check.check(longest)).isNull();
    }

    @Test
    void aMalformedSessionIdIsIgnored() {
        FakeCall call = new FakeCall(Api.MESSAGES).with("x-claude-code-session-id", "not ok");
        assertThat(check.check(call)).isNull();
        assertThat(call.runId()).isNull();
    }
}
