package dev.tally.dashboard.delivery;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;

import dev.tally.dashboard.roi.Metrics;
import dev.tally.dashboard.roi.RoiModel;
import dev.tally.events.OutcomeData;

/**
 * The value model's assumption for AI-assisted PRs beside what the data suggests, and the verdict on
 * either basis.
 *
 * @param assumedHours  hours the model assumes an AI-assisted PR saves ({@code dashboards/roi.yaml})
 * @param cycle         median cycle time, AI-assisted against the rest
 * @param measuredHours the hours the measured basis uses: the rest's median minus the AI-assisted one
 *                      when the difference is outside the noise, 0 when it is inside, null without enough data
 * @param basis         which basis the measured verdict stands on
 */
public record Assumption(
        BigDecimal assumedHours,
        Comparison cycle,
        BigDecimal measuredHours,
        Basis basis,
        long prsAi,
        long spendNanos,
        long valueAssumedNanos,
        long valueMeasuredNanos) {

    /**
     * The assumption and the measurement for a scope whose report shows {@code m}: the measured basis
     * replaces the model's hours for each AI-assisted PR by the measured difference of median cycle
     * times (elapsed hours, not hours of work: see docs/measured-return.md), the rest of the value unchanged.
     */
    public static Assumption assess(Metrics m, Comparison cycle, RoiModel roi) {
        RoiModel.KindValue kind = roi.kinds().get(OutcomeData.PR_MERGED);
        BigDecimal assumed = kind == null ? BigDecimal.ZERO : kind.hours();
        BigDecimal measured;
        Basis basis;
        if (cycle.verdict().measured()) {
            measured = BigDecimal.valueOf(-cycle.difference()).setScale(2, RoundingMode.HALF_UP);
            basis = Basis.MEASURED;
        } else if (cycle.verdict() == Comparison.Verdict.WITHIN_NOISE
                || cycle.verdict() == Comparison.Verdict.NO_INTERVAL) {
            measured = BigDecimal.ZERO;
            basis = Basis.MEASURED_NO_DIFFERENCE;
        } else {
            measured = null;
            basis = Basis.ASSUMED;
        }
        long valueMeasured = m.valueNanos();
        if (measured != null) {
            BigDecimal prs = BigDecimal.valueOf(m.prsMergedAi());
            // the value with the measured hours per AI-assisted PR in place of the assumed ones, within
            // 0..MAX_VALUE_NANOS (a value past that is shown as that amount)
            valueMeasured = BigInteger.valueOf(m.valueNanos())
                    .subtract(BigInteger.valueOf(roi.valueNanos(assumed.multiply(prs))))
                    .add(BigInteger.valueOf(roi.valueNanos(measured.multiply(prs))))
                    .max(BigInteger.ZERO)
                    .min(BigInteger.valueOf(RoiModel.MAX_VALUE_NANOS))
                    .longValueExact();
        }
        return new Assumption(
                assumed, cycle, measured, basis, m.prsMergedAi(), m.spendNanos(), m.valueNanos(), valueMeasured);
    }

    /** What the measured verdict rests on. */
    public enum Basis {
        /** Enough data and a difference outside the noise: the measured hours replace the assumption. */
        MEASURED,
        /** Enough data, but the difference is inside the noise: AI-assisted PRs are valued at 0 h. */
        MEASURED_NO_DIFFERENCE,
        /** Not enough data: the measured verdict falls back to the assumption. */
        ASSUMED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Value ÷ spend on the assumed basis, two decimals; null without priced spend. */
    public BigDecimal roiAssumed() {
        return multiple(valueAssumedNanos);
    }

    public BigDecimal roiMeasured() {
        return multiple(valueMeasuredNanos);
    }

    private BigDecimal multiple(long valueNanos) {
        return spendNanos <= 0
                ? null
                : BigDecimal.valueOf(valueNanos).divide(BigDecimal.valueOf(spendNanos), 2, RoundingMode.HALF_UP);
    }

    public boolean paysAssumed() {
        return spendNanos > 0 && valueAssumedNanos > spendNanos;
    }

    public boolean paysMeasured() {
        return spendNanos > 0 && valueMeasuredNanos > spendNanos;
    }
}
