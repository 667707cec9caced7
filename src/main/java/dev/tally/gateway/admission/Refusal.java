package dev.tally.gateway.admission;

/**
 * A check's answer when it refuses a call: the client gets {@code status} with {@code message} in
 * its API's error format ({@code param} names the offending field, {@code retryAfterSeconds} > 0
 * adds a {@code retry-after} header), and the call is recorded as {@code rejected}.
 */
public record Refusal(int status, RefusalReason reason, String message, String param, long retryAfterSeconds) {

    public static Refusal of(RefusalReason reason, String message) {
        return new Refusal(reason.status, reason, message, null, 0);
    }

    /** A refusal about one field of the request body (OpenAI's {@code param}). */
    public static Refusal of(RefusalReason reason, String message, String param) {
        return new Refusal(reason.status, reason, message, param, 0);
    }

    /** A refusal the client may retry after this many whole seconds. */
    public static Refusal retryAfter(RefusalReason reason, String message, long seconds) {
        return new Refusal(reason.status, reason, message, null, seconds);
    }
}
