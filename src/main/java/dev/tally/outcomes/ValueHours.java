package dev.tally.outcomes;

import java.math.BigDecimal;

/**
 * The one rule for an outcome's {@code valueHours}, shared by the outcomes API and the CSV import so
 * that both accept the same values: 0 to {@link #MAX} with at most 3 decimals once trailing zeros are
 * dropped ({@code 1.50000} is {@code 1.5}), which is what the rollup's {@code numeric(12,3)} holds.
 */
public final class ValueHours {

    public static final BigDecimal MAX = new BigDecimal("999999999.999");

    /** The problem named when a value breaks the rule. */
    public static final String RULE = "must be between 0 and " + MAX + " with at most 3 decimals";

    private ValueHours() {}

    /**
     * The value without trailing zeros and never in exponent form ({@code 2E+1} is {@code 20}), or null
     * when it breaks the rule. The range is checked first: {@code setScale(0)} on {@code 1E+999999999}
     * would build a billion-digit number.
     */
    public static BigDecimal normalised(BigDecimal v) {
        if (v.signum() < 0 || v.compareTo(MAX) > 0) {
            return null;
        }
        BigDecimal n = v.stripTrailingZeros();
        if (n.scale() < 0) {
            n = n.setScale(0);
        }
        return n.scale() > 3 ? null : n;
    }
}
