package dev.tally.dashboard.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Delivery metrics of a set of merged PRs, AI-assisted against the rest ({@link DeliveryMetric}, in
 * order). Every figure carries its sample: a PR without an opening time has no cycle time, one
 * without a review no time to first review, one without additions and deletions no size.
 */
public final class DeliveryMetrics {

    private DeliveryMetrics() {}

    public static List<Comparison> compare(List<PrRecord> prs, int minSample) {
        List<PrRecord> ai = prs.stream().filter(PrRecord::aiAssisted).toList();
        List<PrRecord> other = prs.stream().filter(p -> !p.aiAssisted()).toList();
        List<Comparison> out = new ArrayList<>();
        for (DeliveryMetric m : DeliveryMetric.values()) {
            out.add(Comparison.of(m, figure(m, ai, minSample), figure(m, other, minSample)));
        }
        return out;
    }

    /** One metric of one group of PRs. */
    static Figure figure(DeliveryMetric m, List<PrRecord> prs, int minSample) {
        return switch (m) {
            case MERGED_PRS -> new Figure((double) prs.size(), null, prs.size(), prs.size() >= minSample);
            case CYCLE_MEDIAN -> quantile(values(prs, PrRecord::cycleHours), 0.5, minSample);
            case CYCLE_P75 -> quantile(values(prs, PrRecord::cycleHours), 0.75, minSample);
            case FIRST_REVIEW_MEDIAN -> quantile(values(prs, PrRecord::firstReviewHours), 0.5, minSample);
            case REVIEW_ROUNDS_MEAN ->
                mean(
                        values(
                                prs,
                                p -> p.reviewRounds() == null
                                        ? null
                                        : p.reviewRounds().doubleValue()),
                        minSample);
            case CHANGES_REQUESTED_RATE ->
                rate(prs.stream().filter(p -> p.reviewRounds() != null).toList(), p -> p.reviewRounds() > 0, minSample);
            case SIZE_MEDIAN ->
                quantile(values(prs, p -> p.size() == null ? null : p.size().doubleValue()), 0.5, minSample);
            case REVERT_RATE -> rate(prs, PrRecord::reverted, minSample);
            case HOTFIX_RATE -> rate(prs, PrRecord::hotfixed, minSample);
            case CHANGE_FAILURE_RATE -> rate(prs, p -> p.reverted() || p.hotfixed(), minSample);
        };
    }

    /** The q-quantile of values with its interval when the sample is enough. */
    public static Figure quantile(double[] values, double q, int minSample) {
        double[] sorted = Stats.sorted(values);
        int n = sorted.length;
        if (n == 0) {
            return Figure.none(0, minSample);
        }
        // a minimum sample below what a 95% interval of this quantile needs (a median 6, a p75 13) is still
        // too little: without an interval nothing tells a difference from noise
        Stats.Range interval =
                n >= minSample ? Stats.quantileInterval(sorted, q).orElse(null) : null;
        return new Figure(Stats.quantile(sorted, q), interval, n, interval != null);
    }

    static Figure rate(List<PrRecord> prs, Predicate<PrRecord> event, int minSample) {
        int n = prs.size();
        if (n == 0) {
            return Figure.none(0, minSample);
        }
        long k = prs.stream().filter(event).count();
        boolean enough = n >= minSample;
        return new Figure((double) k / n, enough ? Stats.wilson(k, n).orElse(null) : null, n, enough);
    }

    private static Figure mean(double[] values, int minSample) {
        if (values.length == 0) {
            return Figure.none(0, minSample);
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return new Figure(sum / values.length, null, values.length, values.length >= minSample);
    }

    private static double[] values(List<PrRecord> prs, Function<PrRecord, Double> f) {
        return prs.stream()
                .map(f)
                .filter(v -> v != null)
                .mapToDouble(Double::doubleValue)
                .toArray();
    }
}
