package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import dev.tally.dashboard.roi.Format;
import dev.tally.dashboard.roi.Metric;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.dashboard.roi.RoiModel;

class RoiModelTest {

    static final long USD = RoiModel.NANOS_PER_USD;
    final RoiModel model = RoiModel.defaults();

    @Test
    void aiAssistedMergedPrIsTwoHoursAtTheLoadedCost() {
        assertThat(model.valueNanos("pr_merged", true, null, 3, 0, BigDecimal.ZERO))
                .isEqualTo(600 * USD);
    }

    @Test
    void prMergedWithoutAiIsNotValueBoughtWithAi() {
        assertThat(model.valueNanos("pr_merged", false, null, 5, 0, BigDecimal.ZERO))
                .isZero();
    }

    @Test
    void securityFindingsAreValuedBySeverityWithADefaultForUnknownSeverity() {
        assertThat(model.valueNanos("security_finding", true, "critical", 1, 0, BigDecimal.ZERO))
                .isEqualTo(1600 * USD);
        assertThat(model.valueNanos("security_finding", true, "HIGH", 2, 0, BigDecimal.ZERO))
                .isEqualTo(1600 * USD);
        assertThat(model.valueNanos("security_finding", true, "", 1, 0, BigDecimal.ZERO))
                .isEqualTo(400 * USD);
        assertThat(model.valueNanos("security_finding", true, "weird", 1, 0, BigDecimal.ZERO))
                .isEqualTo(400 * USD);
    }

    @Test
    void explicitValueHoursReplaceTheDefaultForThoseOutcomesOnly() {
        // 3 tasks: two reported 2.5 h together, the third gets the 1 h default
        assertThat(model.valueNanos("task_automated", true, null, 3, 2, new BigDecimal("2.5")))
                .isEqualTo(350 * USD);
    }

    @Test
    void fractionalHoursStayExactInNanoDollars() {
        RoiModel m = new RoiModel(123_456_789_012L, RoiModel.defaults().kinds()); // $123.456789012 / h
        // 0.001 h × 123456789012 nanos = 123456789.012 → 123456789 (half-up)
        assertThat(m.valueNanos(new BigDecimal("0.001"))).isEqualTo(123_456_789L);
    }

    @Test
    void unknownKindsAreWorthNothingUntilConfigured() {
        assertThat(model.valueNanos("incident_resolved", true, null, 10, 0, BigDecimal.ZERO))
                .isZero();
    }

    static Metrics metrics(long spend, long value, long prsAi, long bugs, long active, long employees) {
        return new Metrics(
                spend, 10, 0, 100, 50, 30, 0, 0, 0, 0, active, employees, prsAi + 1, prsAi, bugs, 0, 0, value);
    }

    @Test
    void roiMultipleIsValueOverSpendAndNullWithoutSpend() {
        Metrics m = metrics(400 * USD, 1000 * USD, 4, 2, 3, 4);
        assertThat(m.roiMultiple()).isEqualByComparingTo("2.50");
        assertThat(m.paysOff()).isTrue();
        assertThat(metrics(0, 1000 * USD, 4, 2, 3, 4).roiMultiple()).isNull();
        assertThat(metrics(0, 1000 * USD, 4, 2, 3, 4).paysOff()).isFalse();
        assertThat(metrics(2000 * USD, 1000 * USD, 4, 2, 3, 4).paysOff()).isFalse();
    }

    @Test
    void costPerAiPrBugsPer1kAndAdoption() {
        Metrics m = metrics(400 * USD, 0, 3, 2, 3, 4);
        assertThat(m.costPerAiPrNanos()).isEqualTo(133_333_333_333L); // $400 / 3, rounded half-up
        assertThat(m.bugsPer1k()).isEqualByComparingTo("5.0");
        assertThat(m.adoptionPercent()).isEqualByComparingTo("75.0");
        assertThat(metrics(400 * USD, 0, 0, 2, 0, 0).costPerAiPrNanos()).isNull();
        assertThat(metrics(400 * USD, 0, 0, 2, 0, 0).adoptionPercent()).isNull();
    }

    @Test
    void changeAgainstThePreviousPeriod() {
        assertThat(Metrics.changePercent(150, 100)).isEqualByComparingTo("50.0");
        assertThat(Metrics.changePercent(50, 100)).isEqualByComparingTo("-50.0");
        assertThat(Metrics.changePercent(50, 0)).isNull();
        Metrics now = metrics(300 * USD, 600 * USD, 2, 1, 1, 1);
        Metrics before = metrics(200 * USD, 600 * USD, 2, 1, 1, 1);
        assertThat(Metric.SPEND.change(now, before)).isEqualByComparingTo("50.0");
        assertThat(Metric.ROI.change(now, before)).isEqualByComparingTo("-33.3");
    }

    @Test
    void unpricedUsageIsShownApartNeverAsZeroDollars() {
        Metrics m = new Metrics(0, 5, 0, 100, 10, 0, 0, 0, 5, 110, 1, 1, 0, 0, 0, 0, 0, 0);
        assertThat(Format.value(Metric.UNPRICED_REQUESTS, m)).isEqualTo("5");
        assertThat(Format.value(Metric.COST_PER_AI_PR, m)).isEqualTo("n/a");
        assertThat(Format.value(Metric.ROI, m)).isEqualTo("n/a");
    }

    @Test
    void moneyFormatsFromNanosOnlyAtTheEdge() {
        assertThat(Format.money(1_234_567_890_123L)).isEqualTo("$1,234.57");
        assertThat(Format.money(-5 * USD)).isEqualTo("−$5.00");
        assertThat(Format.money(3_000_000L)).isEqualTo("<$0.01"); // $0.003 is not free
        assertThat(Format.money(0L)).isEqualTo("$0.00");
        assertThat(Format.usdExact(1_000_000_001L)).isEqualTo("1.000000001");
        assertThat(Format.money(2_500_000 * USD)).isEqualTo("$2.50M");
    }

    @Test
    void countsFromAMillionUpAreShortSoAColumnReadsAlike() {
        assertThat(Format.count(999_999)).isEqualTo("999,999");
        assertThat(Format.count(6_206_842)).isEqualTo("6.2M");
        assertThat(Format.count(157_400_000)).isEqualTo("157.4M");
        assertThat(Format.count(9_900_000_000L)).isEqualTo("9.9B");
    }
}
