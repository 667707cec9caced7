package dev.tally.dashboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tally.dashboard.delivery.DeliveryReport.TeamRow;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.Report.TeamInfo;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.dashboard.roi.RoiModel;

/**
 * The verdict on either basis: the assumed hours per AI-assisted PR ({@code dashboards/roi.yaml}) are
 * replaced by the measured difference of median cycle times only when both groups have enough data,
 * by 0 h when the difference is inside the noise, and kept when there is not enough data.
 */
class AssumptionTest {

    static final long USD = RoiModel.NANOS_PER_USD;
    static final RoiModel ROI = RoiModel.defaults(); // 2 h per AI-assisted PR at $100 an hour
    static final Instant MERGED = Instant.parse("2026-11-20T12:00:00Z");

    /** Twelve AI-assisted PRs, $1,000 spend, valued on the assumption at 12 × 2 h × $100 = $2,400. */
    static final Metrics TEAM = new Metrics(1_000 * USD, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 12, 0, 0, 0, 2_400 * USD);

    static List<PrRecord> prs(boolean ai, double... cycleHours) {
        List<PrRecord> out = new ArrayList<>();
        for (double h : cycleHours) {
            out.add(new PrRecord(
                    "pr-" + ai + "-" + h,
                    "acme/api",
                    out.size() + 1,
                    "t",
                    null,
                    null,
                    "a",
                    ai,
                    MERGED.minus(Duration.ofSeconds(Math.round(h * 3600))),
                    null,
                    MERGED,
                    10,
                    5,
                    1,
                    0,
                    null,
                    false,
                    false));
        }
        return out;
    }

    static double[] range(double from, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = from + i;
        }
        return out;
    }

    static Assumption assess(List<PrRecord> ai, List<PrRecord> other) {
        List<PrRecord> all = new ArrayList<>(ai);
        all.addAll(other);
        return Assumption.assess(
                TEAM, DeliveryMetrics.compare(all, 10).get(DeliveryMetric.CYCLE_MEDIAN.ordinal()), ROI);
    }

    @Test
    void belowTheMinimumSampleTheMeasuredVerdictFallsBackToTheAssumption() {
        Assumption a = assess(prs(true, 2, 4, 6), prs(false, 10, 20, 30));
        assertThat(a.basis()).isEqualTo(Assumption.Basis.ASSUMED);
        assertThat(a.measuredHours()).isNull();
        assertThat(a.valueMeasuredNanos()).isEqualTo(a.valueAssumedNanos()).isEqualTo(2_400 * USD);
        assertThat(DeliveryText.assumption(a))
                .isEqualTo("The model assumes 2 h saved per AI-assisted PR; there is not"
                        + " enough data here to measure it (n = 3 vs 3).");
    }

    @Test
    void aMinimumSampleTooSmallForAnIntervalOfTheMedianKeepsTheAssumptionNotZeroHours() {
        // tally.delivery.min-sample may be as low as 2, but a median's 95% interval needs 6 PRs: with 5
        // in each group nothing says whether the difference is noise, so nothing replaces the assumption
        List<PrRecord> all = new ArrayList<>(prs(true, range(1, 5)));
        all.addAll(prs(false, range(2, 5)));
        Comparison cycle = DeliveryMetrics.compare(all, 3).get(DeliveryMetric.CYCLE_MEDIAN.ordinal());
        assertThat(cycle.ai().interval()).isNull();
        assertThat(cycle.ai().enough()).isFalse();
        assertThat(cycle.verdict()).isEqualTo(Comparison.Verdict.NOT_ENOUGH_DATA);
        Assumption a = Assumption.assess(TEAM, cycle, ROI);
        assertThat(a.basis()).isEqualTo(Assumption.Basis.ASSUMED);
        assertThat(a.valueMeasuredNanos()).isEqualTo(a.valueAssumedNanos()).isEqualTo(2_400 * USD);
    }

    @Test
    void aDifferenceOutsideTheNoiseReplacesTheAssumedHours() {
        // medians 6.5 h and 106.5 h; the intervals [x(3), x(10)] are 3–10 h and 103–110 h: apart
        Assumption a = assess(prs(true, range(1, 12)), prs(false, range(101, 12)));
        assertThat(a.basis()).isEqualTo(Assumption.Basis.MEASURED);
        assertThat(a.measuredHours()).isEqualByComparingTo("100");
        // $2,400 − 12 × 2 h × $100 + 12 × 100 h × $100
        assertThat(a.valueMeasuredNanos()).isEqualTo(120_000 * USD);
        assertThat(a.roiAssumed()).isEqualByComparingTo("2.40");
        assertThat(a.roiMeasured()).isEqualByComparingTo("120.00");
        assertThat(DeliveryText.assumption(a))
                .isEqualTo("The model assumes 2 h saved per AI-assisted PR; here"
                        + " AI-assisted PRs merged 100.0 h sooner at the median (n = 12 vs 12).");
    }

    @Test
    void aTeamPageSaysAiAssistedPrsMergedLaterWhenTheyAreMeasurablySlowerNotMinusHoursSooner() {
        // medians 106.5 h and 6.5 h, intervals apart: AI-assisted PRs merged 100 h later
        List<PrRecord> all = new ArrayList<>(prs(true, range(101, 12)));
        all.addAll(prs(false, range(1, 12)));
        List<Comparison> comparisons = DeliveryMetrics.compare(all, 10);
        Assumption a = Assumption.assess(TEAM, comparisons.get(DeliveryMetric.CYCLE_MEDIAN.ordinal()), ROI);
        assertThat(a.basis()).isEqualTo(Assumption.Basis.MEASURED);
        assertThat(a.measuredHours()).isEqualByComparingTo("-100");
        DeliveryConfig config = CohortTest.config(10, 1, 50, 250);
        DeliveryReport d = new DeliveryReport(
                new Period(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30")),
                10,
                comparisons,
                Cohorts.rows(all, java.util.Map.of(), 30, config),
                0,
                List.of(),
                Cohorts.confounders(all),
                a,
                List.of(),
                null,
                all);
        DeliveryView v = DeliveryView.of(d, "this team's", "/api/reports/teams/x?", "?", config, team -> true);
        assertThat(v.measuredNote()).doesNotContain("-100").startsWith("100 h later per AI-assisted PR");
    }

    @Test
    void aDifferenceInsideTheNoiseValuesAiAssistedPrsAtNothing() {
        Assumption a = assess(prs(true, range(1, 12)), prs(false, range(2, 12)));
        assertThat(a.basis()).isEqualTo(Assumption.Basis.MEASURED_NO_DIFFERENCE);
        assertThat(a.measuredHours()).isEqualByComparingTo("0");
        assertThat(a.valueMeasuredNanos()).isZero();
        assertThat(a.paysAssumed()).isTrue();
        assertThat(a.paysMeasured()).isFalse();
    }

    @Test
    void theOrgVerdictCountsEachTeamOnItsOwnBasis() {
        TeamInfo thin = new TeamInfo(UUID.randomUUID(), "Thin", "Eng");
        TeamInfo noise = new TeamInfo(UUID.randomUUID(), "Noise", "Eng");
        List<TeamRow> teams = List.of(
                new TeamRow(thin, List.of(), assess(prs(true, 2, 4, 6), prs(false, 10, 20, 30))),
                new TeamRow(noise, List.of(), assess(prs(true, range(1, 12)), prs(false, range(2, 12)))));
        DeliveryReport.OrgVerdict v = DeliveryService.verdict(teams);
        assertThat(v.teams()).isEqualTo(2);
        assertThat(v.payingAssumed()).isEqualTo(2);
        assertThat(v.measuredTeams()).isEqualTo(1);
        // the thin team stays on its assumption ($2,400 > $1,000), the measured one is worth $0
        assertThat(v.payingMeasured()).isEqualTo(1);
        assertThat(v.valueMeasuredNanos()).isEqualTo(2_400 * USD);
        assertThat(v.roiMeasured()).isEqualByComparingTo("1.20");
        assertThat(DeliveryText.verdict(v))
                .isEqualTo("On the assumed basis 2 of 2 teams return more than they spend; the"
                        + " org returns 2.40× its spend. Measured where there is enough data (1 team measured, the rest on the"
                        + " assumption): 1 of 2; the org returns 1.20× its spend.");
    }
}
