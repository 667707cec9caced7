package dev.tally.dashboard.delivery;

/**
 * The delivery metrics compared between AI-assisted PRs and the rest, in the order the page and the
 * CSV list them. {@code lowerIsBetter} words a difference ("sooner", "smaller", "fewer").
 */
public enum DeliveryMetric {
    MERGED_PRS("Merged PRs", "merged_prs", Unit.COUNT, false),
    CYCLE_MEDIAN("Cycle time, median (opened → merged)", "cycle_hours_median", Unit.HOURS, true),
    CYCLE_P75("Cycle time, 75th percentile", "cycle_hours_p75", Unit.HOURS, true),
    FIRST_REVIEW_MEDIAN("Time to first review, median", "first_review_hours_median", Unit.HOURS, true),
    REVIEW_ROUNDS_MEAN("Review rounds (changes requested), mean", "review_rounds_mean", Unit.ROUNDS, true),
    CHANGES_REQUESTED_RATE("PRs sent back for changes", "changes_requested_rate", Unit.RATE, true),
    SIZE_MEDIAN("PR size, median (lines added + deleted)", "size_lines_median", Unit.LINES, true),
    REVERT_RATE("Reverted by a later PR", "revert_rate", Unit.RATE, true),
    HOTFIX_RATE("Hot-fixed by a later PR", "hotfix_rate", Unit.RATE, true),
    CHANGE_FAILURE_RATE("Change failure (reverted or hot-fixed)", "change_failure_rate", Unit.RATE, true);

    public enum Unit {
        COUNT,
        HOURS,
        ROUNDS,
        RATE,
        LINES
    }

    private final String label;
    private final String key;
    private final Unit unit;
    private final boolean lowerIsBetter;

    DeliveryMetric(String label, String key, Unit unit, boolean lowerIsBetter) {
        this.label = label;
        this.key = key;
        this.unit = unit;
        this.lowerIsBetter = lowerIsBetter;
    }

    public String label() {
        return label;
    }

    public String key() {
        return key;
    }

    public Unit unit() {
        return unit;
    }

    public boolean lowerIsBetter() {
        return lowerIsBetter;
    }
}
