package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tally.gateway.Api;

/** The run: x-tally-run-id first, Claude Code's session id else; a malformed explicit one refused. */
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
