package dev.tally.gateway.admission;

/**
 * Why admission refused a call: the HTTP status it answers with by default, the value of the usage
 * event's {@code refusal} field, what the pages call it, and whether the client may succeed by
 * retrying. The error body's type and code follow from the status ({@code GatewayErrors}); new
 * checks add their reason here (budgets: {@code BUDGET_EXCEEDED}; limits: {@code IN_FLIGHT_LIMIT}).
 *
 * <p>A reason that retrying cannot cure answers with {@code x-should-retry: false}: the OpenAI and
 * Anthropic SDKs, and Claude Code, retry otherwise (Claude Code retried a revoked key's 401 for three
 * minutes). A retryable one (a rate limit) leaves the header out and says when in {@code retry-after}.
 */
public enum RefusalReason {
    /** No {@code Authorization: Bearer} or {@code x-api-key}. */
    MISSING_KEY(401, "missing_key", "no key", false),
    /** A key Tally does not know. */
    INVALID_KEY(401, "invalid_key", "unknown key", false),
    REVOKED(401, "revoked", "revoked key", false),
    EXPIRED(401, "expired", "expired key", false),
    /** The announced or the received body is over {@code tally.gateway.max-body-size}. */
    TOO_LARGE(413, "too_large", "too large", false),
    RATE_LIMITED(429, "rate_limited", "rate-limited", true),
    /** The body is not a JSON object with a model, or cannot be rewritten for the provider. */
    BAD_REQUEST(400, "bad_request", "bad request", false),
    MODEL_NOT_ALLOWED(403, "model_not_allowed", "model not allowed", false),
    NO_ROUTE(404, "no_route", "no route", false);

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
}
