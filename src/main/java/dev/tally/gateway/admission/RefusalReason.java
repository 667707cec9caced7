package dev.tally.gateway.admission;

/**
 * /**
 * Why admission refused a call: the HTTP status it answers with by default, the value of the usage
 * event's {@code refusal} field, what the pages call it, and whether the client may succeed by
 * retrying. The error body's type and code follow from the status ({@code GatewayErrors}); new
 * checks add their reason here (budgets: {@code BUDGET_EXCEEDED}). A refusal of a call without a
 * valid key (missing, malformed, unknown) writes no usage event: see {@link #unauthenticated()}.
 *
 * <p>A reason that retrying cannot cure answers with {@code x-should-retry: false}: the OpenAI and
 * Anthropic SDKs, and Claude Code, retry otherwise (Claude Code retried a revoked key's 401 for three
 * minutes). A retryable one (a limit) leaves the header out and says when in {@code retry-after}.
 */
public enum RefusalReason {
    /** No {@code Authorization: Bearer} or {@code x-api-key}. */
    MISSING_KEY(401, "missing_key", "no key", false),
    /** Something that cannot be a Tally key ({@code tly_} and a plausible length). */
    MALFORMED_KEY(401, "malformed_key", "malformed key", false),
    /** A key Tally does not know. */
    INVALID_KEY(401, "invalid_key", "unknown key", false),
    REVOKED(401, "revoked", "revoked key", false),
    EXPIRED(401, "expired", "expired key", false),
    /** More request headers than {@code tally.gateway.max-header-count}. */
    TOO_MANY_HEADERS(431, "too_many_headers", "too many headers", false),
    /** The announced or the received body is over {@code tally.gateway.max-body-size}. */
    TOO_LARGE(413, "too_large", "too large", false),
    /** The body did not arrive in full within {@code tally.gateway.body-timeout}. */
    BODY_TIMEOUT(408, "body_timeout", "body timeout", false),
    /** Requests or tokens per minute of the key. */
    RATE_LIMITED(429, "rate_limited", "rate-limited", true),
    /** The key's calls in flight. */
    IN_FLIGHT_LIMIT(429, "in_flight_limit", "too many calls in flight", true),
    /** The body is not a JSON object with a model, or cannot be rewritten for the provider. */
    BAD_REQUEST(400, "bad_request", "bad request", false),
    MODEL_NOT_ALLOWED(403, "model_not_allowed", "model not allowed", false),
    /** {@code x-tally-workload} sent with a key whose policy forbids it, or a name that is not allowed. */
    WORKLOAD_NOT_ALLOWED(400, "workload_not_allowed", "workload not allowed", false),
    NO_ROUTE(404, "no_route", "no route", false),
    /**
     * The Responses API's call names a stored response or a conversation another person (or another
     * team's service keys) created through the gateway: answered as the provider answers an id it does
     * not hold, 404 on the object's own paths and for a create's {@code conversation}, 400 for
     * {@code previous_response_id} (docs/gateway.md, "Whose stored response or conversation"). The
     * event's value stays {@code not_your_response} for both kinds (values are never renamed).
     */
    NOT_YOUR_RESPONSE(404, "not_your_response", "another's stored response or conversation", false),
    /**
     * Whose stored response or conversation it is could not be read (the database did not answer):
     * 503, which the SDKs retry. Both hold a conversation's content, so this fails closed.
     */
    OWNER_UNCHECKED(503, "owner_unchecked", "owner unchecked", true),
    /**
     * A {@code block} budget covering the call is spent for its period. 402: the OpenAI and Anthropic
     * SDKs (and Claude Code, built on the latter) retry only 408, 409, 429 and 5xx, and the refusal
     * also says {@code x-should-retry: false}, which both SDKs obey: the client stops and shows it.
     */
    BUDGET_EXCEEDED(402, "budget_exceeded", "budget spent", false),
    /** A spike alert paused the key ({@code pause_key}) until an admin resumes it; 402 for the same reason. */
    KEY_PAUSED(402, "key_paused", "key paused", false),
    /** The model has no price and a budget covering the call refuses what it cannot count. */
    UNPRICED_MODEL(403, "unpriced_model", "unpriced model under a budget", false),
    /**
     * The gateway instance is stopping ({@code DrainCheck}): 503, which the SDKs and Claude Code
     * retry, on a new connection that a load balancer sends to another instance.
     */
    SHUTTING_DOWN(503, "shutting_down", "gateway stopping", true),
    /**
     * The gateway has started but not yet read the budgets ({@code BudgetCheck}): 503, which the SDKs
     * retry; for about the first refresh (a second) after start, while readiness is still DOWN.
     */
    STARTING(503, "starting", "gateway starting", true),
    /**
     * A stage of the gateway itself failed before the call reached the provider (a bug in Tally, not
     * the caller's doing): 500, which the SDKs retry a few times, and the call ends like any refusal
     * instead of waiting with no answer.
     */
    INTERNAL_ERROR(500, "internal_error", "gateway error", true);

    private static final RefusalReason[] ALL = values();

    /** The status a refusal for this reason answers with. */
    public final int status;
    /** The usage event's {@code refusal} value: lower case, stable, never renamed. */
    public final String wire;
    /** How the pages and reports name it. */
    public final String label;
    /** Whether the same call can succeed later; false adds {@code x-should-retry: false}. */
    public final boolean retryable;

    RefusalReason(int status, String wire, String label, boolean retryable) {
        this.status = status;
        this.wire = wire;
        this.label = label;
        this.retryable = retryable;
    }

    /** The reason an event names, or null for a value this version does not know. */
    public static RefusalReason fromWire(String wire) {
        for (RefusalReason r : ALL) {
            if (r.wire.equals(wire)) {
                return r;
            }
        }
        return null;
    }

    /** The pages' name for an event's refusal value; an unknown value (a newer gateway's) as it is. */
    public static String labelOf(String wire) {
        RefusalReason r = fromWire(wire);
        return r != null ? r.label : wire;
    }

    /** The caller presented no key Tally knows: the refusal is counted in a metric, not recorded as usage. */
    public boolean unauthenticated() {
        return this == MISSING_KEY || this == MALFORMED_KEY || this == INVALID_KEY;
    }

    /** The connection is closed after the answer: the rest of the body is not worth reading. */
    public boolean closesConnection() {
        return this == TOO_LARGE || this == BODY_TIMEOUT || this == SHUTTING_DOWN;
    }
}
