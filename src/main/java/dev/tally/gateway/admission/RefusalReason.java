package dev.tally.gateway.admission;

/**
 * Why admission refused a call, with the HTTP status it answers by default. The error body's type
 * and code follow from the status ({@code GatewayErrors}); new checks add their reason here
 * (budgets: {@code BUDGET_EXCEEDED}). A refusal of a call without a valid key (missing, malformed,
 * unknown) writes no usage event: see {@link #unauthenticated()}.
 */
public enum RefusalReason {
    /** No {@code Authorization: Bearer} or {@code x-api-key}. */
    MISSING_KEY(401),
    /** Something that cannot be a Tally key ({@code tly_} and a plausible length). */
    MALFORMED_KEY(401),
    /** A key Tally does not know. */
    INVALID_KEY(401),
    REVOKED(401),
    EXPIRED(401),
    /** More request headers than {@code tally.gateway.max-header-count}. */
    TOO_MANY_HEADERS(431),
    /** The announced or the received body is over {@code tally.gateway.max-body-size}. */
    TOO_LARGE(413),
    /** The body did not arrive in full within {@code tally.gateway.body-timeout}. */
    BODY_TIMEOUT(408),
    /** Requests or tokens per minute of the key. */
    RATE_LIMITED(429),
    /** The key's calls in flight. */
    IN_FLIGHT_LIMIT(429),
    /** The body is not a JSON object with a model, or cannot be rewritten for the provider. */
    BAD_REQUEST(400),
    MODEL_NOT_ALLOWED(403),
    NO_ROUTE(404),
    /**
     * A {@code block} budget covering the call is spent for its period. 402: the OpenAI and Anthropic
     * SDKs (and Claude Code, built on the latter) retry only 408, 409, 429 and 5xx, and the refusal
     * also says {@code x-should-retry: false}, which both SDKs obey: the client stops and shows it.
     */
    BUDGET_EXCEEDED(402, true),
    /** A spike alert paused the key ({@code pause_key}) until an admin resumes it; 402 for the same reason. */
    KEY_PAUSED(402, true),
    /** The model has no price and a budget covering the call refuses what it cannot count. */
    UNPRICED_MODEL(403, true);

    /** The status a refusal for this reason answers with. */
    public final int status;
    /** Whether the refusal tells SDKs not to retry ({@code x-should-retry: false}): retrying cannot help. */
    public final boolean finalAnswer;

    RefusalReason(int status) {
        this(status, false);
    }

    RefusalReason(int status, boolean finalAnswer) {
        this.status = status;
        this.finalAnswer = finalAnswer;
    }

    /** The caller presented no key Tally knows: the refusal is counted in a metric, not recorded as usage. */
    public boolean unauthenticated() {
        return this == MISSING_KEY || this == MALFORMED_KEY || this == INVALID_KEY;
    }

    /** The connection is closed after the answer: the rest of the body is not worth reading. */
    public boolean closesConnection() {
        return this == TOO_LARGE || this == BODY_TIMEOUT;
    }
}
