package dev.tally.rollup;

import java.util.Set;
import java.util.regex.Pattern;

import dev.tally.events.OutcomeData;

/**
 * Which outcome kinds Tally counts: the built-in kinds, plus custom kinds spelled
 * {@code custom_<name>} ({@code [a-z0-9_]}, 64 characters at most). Anything else is an unknown
 * kind and is refused, so a typo such as {@code pr_merge} cannot quietly start a new series that
 * no ROI value applies to. The outcomes API validates with the same rule, so what it accepts is
 * never sent to the DLQ by the aggregator.
 */
public final class OutcomeKinds {

    public static final Set<String> BUILT_IN = Set.of(
            OutcomeData.PR_MERGED,
            OutcomeData.BUG_CAUGHT,
            OutcomeData.BUG_FLAGGED,
            OutcomeData.SECURITY_FINDING,
            OutcomeData.TASK_AUTOMATED);

    private static final Pattern CUSTOM = Pattern.compile("custom_[a-z0-9_]{1,57}");

    public static final String RULE = "one of pr_merged, bug_caught, bug_flagged, security_finding, task_automated, "
            + "or custom_<name> with [a-z0-9_]";

    private OutcomeKinds() {}

    public static boolean isValid(String kind) {
        return kind != null && (BUILT_IN.contains(kind) || CUSTOM.matcher(kind).matches());
    }
}
