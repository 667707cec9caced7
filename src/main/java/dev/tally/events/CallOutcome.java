package dev.tally.events;

/**
 * How a call through the gateway ended: the {@code outcome} of a usage event. The event keeps the
 * strings of {@link UsageData} ({@link #json}); code compares the enum.
 */
public enum CallOutcome {
    /** The provider answered (a 2xx or 3xx). */
    OK(UsageData.OUTCOME_OK),
    /** The provider answered an error, could not be reached, timed out or broke off. */
    UPSTREAM_ERROR(UsageData.OUTCOME_UPSTREAM_ERROR),
    /** The client went away before the answer was complete. */
    CLIENT_CANCELLED(UsageData.OUTCOME_CLIENT_CANCELLED),
    /** The gateway refused the call (key, limits, body, model, route). */
    REJECTED(UsageData.OUTCOME_REJECTED);

    /** The value of the event's {@code outcome} field. */
    public final String json;

    CallOutcome(String json) {
        this.json = json;
    }

    private static final CallOutcome[] ALL = values();

    /** Counted in the rollups' {@code error_requests}: the provider failed, or the gateway refused the call. */
    public boolean failed() {
        return this == UPSTREAM_ERROR || this == REJECTED;
    }

    /** The outcome an event's field names, or null for an unknown value. */
    public static CallOutcome fromJson(String value) {
        for (CallOutcome o : ALL) {
            if (o.json.equals(value)) {
                return o;
            }
        }
        return null;
    }
}
