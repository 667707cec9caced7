package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;

import dev.tally.workload.ClientDetector;
import dev.tally.workload.WorkloadNames;

/**
 * The run a call belongs to (the usage event's {@code runId}), so that every call of one agent run
 * or loop can be grouped: {@code x-tally-run-id} when the caller names one, else the session id
 * Claude Code sends with every call of a session ({@code X-Claude-Code-Session-Id}), else, from
 * OpenAI's Codex ({@link ClientDetector#CODEX} by its user agent), the session (thread) id it sends
 * as {@code session-id} (as {@code session_id} before 2026).
 *
 * <p>A run id is 1 to 128 characters of letters, digits and {@code . _ : -} ({@link WorkloadNames}). A
 * malformed {@code x-tally-run-id} is refused with 400, since the caller asked for something Tally
 * cannot record; a malformed session id is ignored (the call is not Tally's to refuse for a header
 * it did not ask for), and the call has no run. Runs before the rate limit, so a refused call does
 * not count against it.
 */
@Singleton
public class RunIdCheck implements AdmissionCheck {

    static final String RUN_ID_HEADER = "x-tally-run-id";
    static final CharSequence H_RUN_ID = HttpHeaders.createOptimized(RUN_ID_HEADER);
    static final CharSequence H_CLAUDE_CODE_SESSION = HttpHeaders.createOptimized("x-claude-code-session-id");
    static final CharSequence H_CODEX_SESSION = HttpHeaders.createOptimized("session-id");
    static final CharSequence H_CODEX_SESSION_OLD = HttpHeaders.createOptimized("session_id");

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    @Override
    public int order() {
        return 160;
    }

    @Override
    public Refusal check(PendingCall call) {
        String named = call.header(H_RUN_ID);
        if (named != null) {
            if (!WorkloadNames.validRunId(named)) {
                return Refusal.of(
                        RefusalReason.BAD_REQUEST,
                        RUN_ID_HEADER + " must be " + WorkloadNames.RUN_ID_RULE,
                        RUN_ID_HEADER);
            }
            call.runId(named);
            return PASS;
        }
        String session = call.header(H_CLAUDE_CODE_SESSION);
        if (session == null && ClientDetector.CODEX.equals(call.client())) {
            session = call.header(H_CODEX_SESSION);
            if (session == null) {
                session = call.header(H_CODEX_SESSION_OLD);
            }
        }
        if (WorkloadNames.validRunId(session)) {
            call.runId(session);
        }
        return PASS;
    }
}
