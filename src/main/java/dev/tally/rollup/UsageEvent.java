package dev.tally.rollup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import dev.tally.events.CallOutcome;
import dev.tally.events.TokenKind;
import dev.tally.platform.Ids;
import dev.tally.workload.ClientDetector;
import dev.tally.workload.WorkloadNames;

/**
 * A validated usage event, reduced to what the rollups need. A call the gateway refused
 * ({@link CallOutcome#REJECTED}) is counted apart, per key and reason ({@code refusal_team_day}):
 * it may have no employee, provider or model, and it is not usage.
 *
 * @param employeeId null for a service key's call (never counted in adoption)
 * @param keyId    the gateway key, or {@link #NO_KEY} for a call refused before its key was known
 * @param tokens   one count per {@link TokenKind}, by ordinal
 * @param workload never null ({@code interactive} when the event named none)
 * @param runId    null when the call named no run
 * @param client   never null ({@code other} when the event named none)
 * @param refusal  why the gateway refused the call ({@code revoked}, …); null for any other call
 */
public record UsageEvent(
        String id,
        Instant time,
        UUID teamId,
        UUID employeeId,
        UUID keyId,
        String provider,
        String model,
        CallOutcome outcome,
        long[] tokens,
        boolean priced,
        long costNanos,
        String workload,
        String runId,
        String client,
        String refusal) {

    /** A call that was not refused: interactive, of an unknown tool, in no run. */
    public UsageEvent(
            String id,
            Instant time,
            UUID teamId,
            UUID employeeId,
            UUID keyId,
            String provider,
            String model,
            CallOutcome outcome,
            long[] tokens,
            boolean priced,
            long costNanos) {
        this(
                id,
                time,
                teamId,
                employeeId,
                keyId,
                provider,
                model,
                outcome,
                tokens,
                priced,
                costNanos,
                WorkloadNames.INTERACTIVE,
                null,
                ClientDetector.OTHER,
                null);
    }

    /**
     * Whether the call asked a model, or was refused: false for a free call that names none (on a
     * stored response or a conversation), which the rollups leave out as they leave out model lists.
     */
    public boolean modelCall() {
        return model != null || refused();
    }

    /** Whether the gateway refused the call: counted apart, not as usage. */
    public boolean refused() {
        return outcome == CallOutcome.REJECTED;
    }

    /** The key of a call without one (refused before its key was known): rollups keyed by key file it here. */
    public static final UUID NO_KEY = new UUID(0, 0);

    public long tokens(TokenKind kind) {
        return tokens[kind.ordinal()];
    }

    /** Failed calls: the provider answered with an error, or the gateway refused the call. */
    public boolean error() {
        return outcome.failed();
    }

    /** Tokens of an unpriced call: every {@link TokenKind#billable() billable} kind. */
    public long billableTokens() {
        long n = 0;
        for (TokenKind k : TokenKind.ALL) {
            if (k.billable()) {
                n += tokens[k.ordinal()];
            }
        }
        return n;
    }

    /**
     * The key of {@code usage_event_id}: the id itself when it is a UUID (the gateway's ids are),
     * otherwise its name-based (MD5) UUID. Sixteen bytes compare and index far cheaper than text.
     */
    public UUID dedupeKey() {
        UUID canonical = Ids.canonical(id);
        return canonical != null ? canonical : UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }
}
