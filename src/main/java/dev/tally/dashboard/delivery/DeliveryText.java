package dev.tally.dashboard.delivery;

import java.math.BigDecimal;
import java.util.Locale;

import dev.tally.dashboard.delivery.DeliveryMetric.Unit;

/** The sentences the pages (and the JSON's {@code statement}) say about delivery, written once. */
public final class DeliveryText {

    private DeliveryText() {}

    /** What the median cycle times say, and whether the sample is enough to say it. */
    public static String comparison(Comparison c, int minSample) {
        Figure ai = c.ai();
        Figure other = c.other();
        if (ai.value() == null && other.value() == null) {
            return "No merged PRs with an opening and a merge time in this period.";
        }
        String medians = "AI-assisted PRs merged in a median of " + DeliveryFormat.text(ai.value(), Unit.HOURS)
                + ", the others in " + DeliveryFormat.text(other.value(), Unit.HOURS) + " (n = " + ai.n() + " vs "
                + other.n() + ").";
        return medians + " " + sufficiency(c, minSample);
    }

    /** Whether the difference is a result: not enough data, inside the noise, or outside it. */
    public static String sufficiency(Comparison c, int minSample) {
        Unit unit = c.metric().unit();
        return switch (c.verdict()) {
            case NOT_ENOUGH_DATA, NOT_COMPARED, NO_INTERVAL ->
                c.ai().n() >= minSample && c.other().n() >= minSample
                        ? "Not enough data to call this a difference: too few PRs for a 95% interval"
                                + " (a median needs at least 6 in each group, a 75th percentile 13)."
                        : "Not enough data to call this a difference: at least " + minSample
                                + " PRs are needed in each group.";
            case WITHIN_NOISE ->
                "The difference is within the noise: the 95% intervals ("
                        + DeliveryFormat.interval(c.ai().interval(), unit) + " and "
                        + DeliveryFormat.interval(c.other().interval(), unit) + ") overlap.";
            case AI_LOWER, AI_HIGHER ->
                "The 95% intervals (" + DeliveryFormat.interval(c.ai().interval(), unit) + " and "
                        + DeliveryFormat.interval(c.other().interval(), unit) + ") do not overlap: the difference is"
                        + " outside the noise.";
        };
    }

    /**
     * "The model assumes 2 h saved per AI-assisted PR; here AI-assisted PRs merged 9.5 h sooner at the
     * median (n = 41 vs 37)."
     */
    public static String assumption(Assumption a) {
        String assumed = "The model assumes "
                + DeliveryFormat.plain(a.assumedHours()).toPlainString() + " h saved per AI-assisted PR; ";
        Comparison c = a.cycle();
        String n = "(n = " + c.ai().n() + " vs " + c.other().n() + ")";
        return switch (a.basis()) {
            case MEASURED -> {
                double d = -c.difference();
                yield assumed + "here AI-assisted PRs merged " + DeliveryFormat.text(Math.abs(d), Unit.HOURS)
                        + (d >= 0 ? " sooner" : " later") + " at the median " + n + ".";
            }
            case MEASURED_NO_DIFFERENCE ->
                assumed + "here the medians differ by "
                        + DeliveryFormat.text(Math.abs(c.difference()), Unit.HOURS) + ", within the noise " + n
                        + ": no measurable difference.";
            case ASSUMED -> assumed + "there is not enough data here to measure it " + n + ".";
        };
    }

    /** Plainly: correlations, not an experiment, and what else differs between the groups. */
    public static String caveat(Confounders c, String scope) {
        StringBuilder s =
                new StringBuilder("These are correlations in " + scope + " own data, not a controlled experiment:"
                        + " AI-assisted PRs may differ from the rest in ways that also change how fast they merge and how often"
                        + " they fail — their size");
        if (c.sizeMedianAi() != null && c.sizeMedianOther() != null) {
            s.append(" (median ")
                    .append(DeliveryFormat.text(c.sizeMedianAi(), Unit.LINES).replace(" lines", ""))
                    .append(" vs ")
                    .append(DeliveryFormat.text(c.sizeMedianOther(), Unit.LINES))
                    .append(")");
        }
        s.append(", their authors (")
                .append(c.authorsAi())
                .append(" vs ")
                .append(c.authorsOther())
                .append(" people)")
                .append(" and their repository");
        if (c.topRepository() != null && c.topRepositoryShareAi() != null && c.topRepositoryShareOther() != null) {
            s.append(" (")
                    .append(c.topRepository())
                    .append(" holds ")
                    .append(DeliveryFormat.percent(c.topRepositoryShareAi()))
                    .append(" of the AI-assisted PRs and ")
                    .append(DeliveryFormat.percent(c.topRepositoryShareOther()))
                    .append(" of the others)");
        }
        return s.append(". Read a difference as a question worth asking, not as proof that AI caused it.")
                .toString();
    }

    /** The organisation's verdict on both bases. */
    public static String verdict(DeliveryReport.OrgVerdict v) {
        if (v.teams() == 0) {
            return "No team has priced AI spend in this period.";
        }
        return String.format(
                Locale.ROOT,
                "On the assumed basis %d of %d teams return more than they spend%s. Measured"
                        + " where there is enough data (%d %s measured, the rest on the assumption): %d of %d%s.",
                v.payingAssumed(),
                v.teams(),
                multiple(v.roiAssumed()),
                v.measuredTeams(),
                v.measuredTeams() == 1 ? "team" : "teams",
                v.payingMeasured(),
                v.teams(),
                multiple(v.roiMeasured()));
    }

    private static String multiple(BigDecimal m) {
        return m == null ? "" : "; the org returns " + m.toPlainString() + "× its spend";
    }
}
