package dev.tally.events;

import java.util.List;

/** How a gateway call ended: the {@code outcome} field of a usage event. */
public enum CallOutcome {
    OK(UsageData.OUTCOME_OK, false),
    /** The provider answered with an error, or could not be reached. */
    UPSTREAM_ERROR(UsageData.OUTCOME_UPSTREAM_ERROR, true),
    /** The client went away before the end; what was used so far is still counted. */
    CLIENT_CANCELLED(UsageData.OUTCOME_CLIENT_CANCELLED, false),
    /** The gateway refused the call (bad request, limit). */
    REJECTED(UsageData.OUTCOME_REJECTED, true);

    public static final List<CallOutcome> ALL = List.of(values());

    private final String wire;
    private final boolean failed;

    CallOutcome(String wire, boolean failed) {
        this.wire = wire;
        this.failed = failed;
    }

    /** The value in the event. */
    public String wire() {
        return wire;
    }

    /** Counted in the rollups' {@code error_requests}. */
    public boolean failed() {
        return failed;
    }

    /** The outcome an event names, or null for an unknown value. */
    public static CallOutcome fromWire(String value) {
        for (CallOutcome o : ALL) {
            if (o.wire.equals(value)) {
                return o;
            }
        }
        return null;
    }
}
