package dev.tally.dashboard.delivery;

import java.math.BigDecimal;
import java.util.UUID;
import java.util.function.Predicate;

import io.quarkus.qute.TemplateData;

import dev.tally.dashboard.delivery.DeliveryMetric.Unit;
import dev.tally.dashboard.report.Table;

/**
 * What the team and org pages draw of delivery: the median cycle times side by side with their
 * samples and whether the sample is enough, the assumption beside the measurement, the verdict on
 * either basis, the caveat, and the tables and chart behind them.
 *
 * @param standing   "measured" (a difference outside the noise), "noise" (inside it) or "thin" (not enough data)
 * @param aiBar      bar length of the AI-assisted median, percent of the longer one
 * @param teams      the per-team table (org page only; null on a team page)
 * @param assumedRoi value ÷ spend on the model's assumption ("2.62×", "–" without priced spend)
 * @param measuredRoi value ÷ spend with the measured hours where there is enough data
 * @param measuredNote what the measured figure rests on ("2 of 8 teams measured, the rest assumed")
 */
@TemplateData
public record DeliveryView(
        String aiMedian,
        String otherMedian,
        int aiN,
        int otherN,
        String aiInterval,
        String otherInterval,
        int aiBar,
        int otherBar,
        String standing,
        String standingText,
        String comparison,
        String assumption,
        String verdict,
        String caveat,
        String cohortNote,
        Table metrics,
        Table cohorts,
        Table teams,
        String chartUrl,
        String csvBase,
        String assumedRoi,
        String assumedNote,
        String measuredRoi,
        String measuredNote) {

    /**
     * @param csvBase the report's URL with the period, to which {@code &format=csv&table=…} is added
     * @param chartQuery the period (and team) as a query string for the trend chart
     * @param linked the teams whose names link to their pages (the ones the viewer may open)
     */
    public static DeliveryView of(
            DeliveryReport d,
            String scope,
            String csvBase,
            String chartQuery,
            DeliveryConfig config,
            Predicate<UUID> linked) {
        Comparison cycle = d.comparison(DeliveryMetric.CYCLE_MEDIAN);
        double ai = cycle.ai().value() == null ? 0 : cycle.ai().value();
        double other = cycle.other().value() == null ? 0 : cycle.other().value();
        double longest = Math.max(ai, other);
        String standing = switch (cycle.verdict()) {
            case AI_LOWER, AI_HIGHER -> "measured";
            case WITHIN_NOISE, NO_INTERVAL -> "noise";
            default -> "thin";
        };
        String standingText = switch (cycle.verdict()) {
            case AI_LOWER, AI_HIGHER -> "Enough data: the difference is outside the noise";
            case WITHIN_NOISE, NO_INTERVAL -> "Enough data, but the difference is within the noise";
            default -> "Not enough data: at least " + d.minSample() + " PRs needed in each group";
        };
        Assumption a = d.assumption();
        String assumedNote =
                "the model's " + DeliveryFormat.plain(a.assumedHours()).toPlainString() + " h saved per AI-assisted PR";
        String assumedRoi;
        String measuredRoi;
        String measuredNote;
        if (d.verdict() != null) {
            assumedRoi = multiple(d.verdict().roiAssumed());
            measuredRoi = multiple(d.verdict().roiMeasured());
            measuredNote = d.verdict().measuredTeams() + " of " + d.teams().size()
                    + " teams measured (elapsed hours sooner," + " not hours of work), the rest on the assumption";
        } else {
            assumedRoi = multiple(a.roiAssumed());
            measuredRoi = multiple(a.roiMeasured());
            measuredNote = switch (a.basis()) {
                // measured hours are negative when AI-assisted PRs merged later: say so, not "-3 h sooner"
                case MEASURED ->
                    DeliveryFormat.plain(a.measuredHours().abs()).toPlainString()
                            + (a.measuredHours().signum() < 0 ? " h later" : " h sooner")
                            + " per AI-assisted PR (elapsed, not hours of work)";
                case MEASURED_NO_DIFFERENCE -> "0 h per AI-assisted PR: no measurable difference";
                case ASSUMED -> "not enough data: the assumption stands";
            };
        }
        String verdict;
        if (d.verdict() != null) {
            verdict = DeliveryText.verdict(d.verdict());
        } else if (a.spendNanos() <= 0) {
            verdict = "No priced AI spend in this period: no verdict on either basis.";
        } else {
            verdict = "On the assumed basis this team returns " + a.roiAssumed().toPlainString()
                    + "× its AI spend; on the" + " measured basis "
                    + a.roiMeasured().toPlainString() + "× (" + DeliveryTables.basis(a.basis()) + ").";
        }
        String cohortNote =
                "Engineers are the people who authored at least one of these merged PRs in the period, each in"
                        + " the cohort of their gateway calls per week: none (" + Cohort.NONE.range(config)
                        + "), light ("
                        + Cohort.LIGHT.range(config) + "), moderate (" + Cohort.MODERATE.range(config) + "), heavy ("
                        + Cohort.HEAVY.range(config) + "). Below " + d.minSample()
                        + " engineers a cohort has not enough data."
                        + (d.unassignedAuthors() > 0
                                ? " " + d.unassignedAuthors() + " merged PRs whose author is no known employee"
                                        + " are in the comparison above but in no cohort."
                                : "");
        return new DeliveryView(
                DeliveryFormat.text(cycle.ai().value(), Unit.HOURS),
                DeliveryFormat.text(cycle.other().value(), Unit.HOURS),
                cycle.ai().n(),
                cycle.other().n(),
                DeliveryFormat.interval(cycle.ai().interval(), Unit.HOURS),
                DeliveryFormat.interval(cycle.other().interval(), Unit.HOURS),
                bar(ai, longest),
                bar(other, longest),
                standing,
                standingText,
                DeliveryText.comparison(cycle, d.minSample()),
                DeliveryText.assumption(a),
                verdict,
                DeliveryText.caveat(d.confounders(), scope),
                cohortNote,
                DeliveryTables.metrics(d),
                DeliveryTables.cohorts(d),
                d.verdict() == null ? null : DeliveryTables.teams(d, linked),
                "/charts/delivery/trend.png" + chartQuery,
                csvBase,
                assumedRoi,
                assumedNote,
                measuredRoi,
                measuredNote);
    }

    private static String multiple(BigDecimal m) {
        return m == null ? "–" : m.toPlainString() + "×";
    }

    private static int bar(double v, double longest) {
        return longest <= 0 ? 0 : (int) Math.max(1, Math.round(100 * v / longest));
    }
}
