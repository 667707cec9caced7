package dev.tally.dashboard.delivery;

/**
 * A delivery metric for AI-assisted PRs against the rest, and what may be said of the difference: only
 * that it is real when both groups have enough data and their 95% intervals do not overlap. Overlap is
 * a conservative test (two samples can differ significantly while their intervals still touch), chosen
 * so that a difference inside the noise is never shown as a result.
 */
public record Comparison(DeliveryMetric metric, Figure ai, Figure other, Verdict verdict) {

    public enum Verdict {
        /** A plain count (merged PRs): nothing to test. */
        NOT_COMPARED,
        /** Either group is below the minimum sample. */
        NOT_ENOUGH_DATA,
        /** A descriptive figure without an interval (the mean of review rounds). */
        NO_INTERVAL,
        /** The intervals overlap: the difference may be noise. */
        WITHIN_NOISE,
        /** AI-assisted PRs are lower, the intervals apart. */
        AI_LOWER,
        /** AI-assisted PRs are higher, the intervals apart. */
        AI_HIGHER;

        public boolean measured() {
            return this == AI_LOWER || this == AI_HIGHER;
        }
    }

    static Comparison of(DeliveryMetric metric, Figure ai, Figure other) {
        return new Comparison(metric, ai, other, verdict(metric, ai, other));
    }

    private static Verdict verdict(DeliveryMetric metric, Figure ai, Figure other) {
        if (metric == DeliveryMetric.MERGED_PRS) {
            return Verdict.NOT_COMPARED;
        }
        if (!ai.enough() || !other.enough() || ai.value() == null || other.value() == null) {
            return Verdict.NOT_ENOUGH_DATA;
        }
        if (ai.interval() == null || other.interval() == null) {
            return Verdict.NO_INTERVAL;
        }
        if (ai.interval().high() < other.interval().low()) {
            return Verdict.AI_LOWER;
        }
        if (ai.interval().low() > other.interval().high()) {
            return Verdict.AI_HIGHER;
        }
        return Verdict.WITHIN_NOISE;
    }

    /** AI-assisted minus the rest (null when either is unknown). */
    public Double difference() {
        return ai.value() == null || other.value() == null ? null : ai.value() - other.value();
    }
}
