package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;

/**
 * The run a call belongs to (the usage event's {@code runId}), so that every call of one agent run
 * or loop can be grouped: {@code x-tally-run-id} when the caller names one, else the session id
 * Claude Code sends with every call of a session ({@code X-Claude-Code-Session-Id}).
 *
 * <p>A run id is 1 to {@value #MAX_LENGTH} characters of letters, digits and {@code . _ : -}. A
 * malformed {@code x-tally-run-id} is refused with 400, since the caller asked for something Tally
 * cannot record; a malformed session id is ignored (the call is not Tally's to refuse for a header
 * it did not ask for), and the call has no run. Runs before the rate limit, so a refused call does
 * not count against it.
 */
@Singleton
public class RunIdCheck implements AdmissionCheck {

    static final CharSequence H_RUN_ID = HttpHeaders.createOptimized("x-tally-run-id");
    static final CharSequence H_CLAUDE_CODE_SESSION = HttpHeaders.createOptimized("x-claude-code-session-id");
    static final int MAX_LENGTH = 128;

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
            if (!valid(named)) {
                return Refusal.of(RefusalReason.BAD_REQUEST, "x-tally-run-id must be 1 to " + MAX_LENGTH
                        + " characters of letters, digits, '.', '_', ':' and '-'");
            }
            call.runId(named);
            return PASS;
        }
        String session = call.header(H_CLAUDE_CODE_SESSION);
        if (session != null && valid(session)) {
            call.runId(session);
        }
        return PASS;
    }

    static boolean valid(String id) {
        int n = id.length();
        if (n == 0 || n > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }
}
