package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.tally.dashboard.report.Table.Cell;
import dev.tally.dashboard.report.Tables;
import dev.tally.dashboard.roi.Format;
import dev.tally.dashboard.roi.Metric;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.dashboard.roi.RoiModel;

/**
 * A scope some of whose calls used a model without a price: their cost is unknown (never $0), so the
 * figures derived from spend are bounds and "returns more than it spends" cannot be said.
 */
class UnpricedVerdictTest {

    static final long USD = RoiModel.NANOS_PER_USD;

    /** $100 priced spend, $1,000 of value, one AI-assisted PR and two bugs caught; {@code unpriced} calls. */
    static Metrics scope(long valueUsd, long unpriced) {
        return new Metrics(
                100 * USD, 10, 0, 0, 0, 0, 0, 0, unpriced, unpriced * 50, 1, 1, 1, 1, 2, 0, 0, valueUsd * USD);
    }

    @Test
    void valueAbovePricedSpendWithUnpricedCallsIsNoVerdictEitherWay() {
        Metrics m = scope(1_000, 3);
        assertThat(m.paysOff()).isFalse();
        assertThat(m.mayPayOff()).isTrue();
        Cell verdict = Tables.verdict(m);
        assertThat(verdict.text()).isEqualTo("? Up to 10.00×: 3 calls unpriced");
        assertThat(verdict.csv()).isEqualTo("unknown_unpriced");
        assertThat(verdict.cssClass()).isEqualTo("verdict unsure");
    }

    @Test
    void everyCallPricedKeepsTheVerdictAndPlainFigures() {
        Metrics m = scope(1_000, 0);
        assertThat(m.paysOff()).isTrue();
        assertThat(m.mayPayOff()).isFalse();
        assertThat(Tables.verdict(m).text()).isEqualTo("▲ Returns 10.00× its spend");
        assertThat(Format.value(Metric.ROI, m)).isEqualTo("10.00×");
        assertThat(Format.value(Metric.COST_PER_AI_PR, m)).isEqualTo("$100.00");
    }

    @Test
    void valueBelowPricedSpendReturnsLessWhateverTheUnpricedCallsCost() {
        Metrics m = scope(50, 3);
        assertThat(m.paysOff()).isFalse();
        assertThat(m.mayPayOff()).isFalse();
        assertThat(Tables.verdict(m).text()).isEqualTo("▼ Returns less than it spends");
    }

    @Test
    void figuresDerivedFromSpendAreShownAsBoundsWhenCallsAreUnpriced() {
        Metrics m = scope(1_000, 3);
        assertThat(Format.value(Metric.ROI, m)).isEqualTo("≤ 10.00×");
        assertThat(Format.value(Metric.NET, m)).isEqualTo("≤ $900.00");
        assertThat(Format.value(Metric.BUGS_PER_1K, m)).isEqualTo("≤ 20.0");
        assertThat(Format.value(Metric.COST_PER_AI_PR, m)).isEqualTo("≥ $100.00");
        // spend is the priced spend, shown beside the unpriced calls; value does not depend on spend
        assertThat(Format.value(Metric.SPEND, m)).isEqualTo("$100.00");
        assertThat(Format.value(Metric.VALUE, m)).isEqualTo("$1,000.00");
        // the CSV and JSON keep the exact figure
        assertThat(Format.plain(Metric.ROI, m)).isEqualTo("10.00");
    }
}
