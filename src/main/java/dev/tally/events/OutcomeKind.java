package dev.tally.events;

import java.util.List;

/**
 * The outcome kinds the pages count in a column of their own (PRs merged, bugs caught, security
 * findings, tasks automated). Which kinds are valid at all is {@code rollup.OutcomeKinds}; any
 * other valid kind (custom ones included) carries value through the ROI model without a count.
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

    /** The counted kind of that name, or null (a kind without a count column). */
    public static OutcomeKind fromWire(String kind) {
        for (OutcomeKind k : ALL) {
            if (k.wire.equals(kind)) {
                return k;
            }
        }
        return null;
    }
}
