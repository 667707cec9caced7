package dev.tally.dashboard.delivery;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.Report.TeamInfo;

/**
 * Delivery of one scope (a team, or the organisation) over a period: AI-assisted PRs against the rest,
 * throughput by AI-usage cohort, the weekly trend, the assumption beside the measurement, and for the
 * organisation each team's row and the verdict on either basis.
 *
 * @param prs        the period's merged PRs with their facts, newest first (a team's report only)
 * @param unassignedAuthors merged PRs whose author is no known employee: in the comparison, in no cohort
 */
public record DeliveryReport(
        Period period,
        int minSample,
        List<Comparison> comparisons,
        List<CohortRow> cohorts,
        int unassignedAuthors,
        List<TrendWeek> trend,
        Confounders confounders,
        Assumption assumption,
        List<TeamRow> teams,
        OrgVerdict verdict,
        List<PrRecord> prs) {

    /** One team on the organisation's page. */
    public record TeamRow(TeamInfo team, List<Comparison> comparisons, Assumption assumption) {
        public Comparison comparison(DeliveryMetric m) {
            return comparisons.get(m.ordinal());
        }
    }

    /**
     * The organisation's verdict on either basis: on the measured one, each team is valued on its own
     * measurement where it has enough data and on the assumption where it has not.
     */
    public record OrgVerdict(
            int teams,
            int payingAssumed,
            int payingMeasured,
            int measuredTeams,
            long spendNanos,
            long valueAssumedNanos,
            long valueMeasuredNanos) {

        public BigDecimal roiAssumed() {
            return multiple(valueAssumedNanos);
        }

        public BigDecimal roiMeasured() {
            return multiple(valueMeasuredNanos);
        }

        private BigDecimal multiple(long value) {
            return spendNanos <= 0
                    ? null
                    : BigDecimal.valueOf(value).divide(BigDecimal.valueOf(spendNanos), 2, RoundingMode.HALF_UP);
        }
    }

    public Comparison comparison(DeliveryMetric m) {
        return comparisons.get(m.ordinal());
    }
}
