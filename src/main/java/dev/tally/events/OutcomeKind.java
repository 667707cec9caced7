package dev.tally.events;

import java.util.List;

/**
 * The built-in outcome kinds ({@code kind} of an outcome event). Custom kinds
 * ({@code custom_<name>}) carry value through the ROI model but have no count of their own.
 */
public enum OutcomeKind {
    PR_MERGED(OutcomeData.PR_MERGED),
    BUG_CAUGHT(OutcomeData.BUG_CAUGHT),
    SECURITY_FINDING(OutcomeData.SECURITY_FINDING),
    TASK_AUTOMATED(OutcomeData.TASK_AUTOMATED);

    public static final List<OutcomeKind> ALL = List.of(values());

    private final String wire;

    OutcomeKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The built-in kind of that name, or null (a custom or unknown kind). */
    public static OutcomeKind fromWire(String kind) {
        for (OutcomeKind k : ALL) {
            if (k.wire.equals(kind)) {
                return k;
            }
        }
        return null;
    }
}
