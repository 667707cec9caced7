package dev.tally.dashboard.delivery;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

import dev.tally.dashboard.delivery.DeliveryMetric.Unit;

/**
 * The two spellings of every delivery figure: exact-enough for JSON and CSV (hours to 0.01, rates as
 * fractions to 0.0001, no trailing zeros: 4, 9.5, 0.0625) and short for the pages (4.0 h, 6.3%).
 */
public final class DeliveryFormat {

    private DeliveryFormat() {}

    /** The JSON and CSV number of a value in its unit; null stays null. */
    public static BigDecimal number(Double v, Unit unit) {
        return number(
                v,
                switch (unit) {
                    case COUNT -> 0;
                    case RATE -> 4;
                    case HOURS, ROUNDS, LINES -> 2;
                });
    }

    /** A number rounded half-up to {@code scale} decimals, without trailing zeros; null stays null. */
    public static BigDecimal number(Double v, int scale) {
        if (v == null || v.isNaN()) {
            return null;
        }
        return plain(BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_UP));
    }

    /** Without trailing zeros and never in exponent form: 20.00 → 20, 9.50 → 9.5. */
    public static BigDecimal plain(BigDecimal b) {
        BigDecimal s = b.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    /** The CSV cell of a value: its JSON number, "" for none. */
    public static String csv(Double v, Unit unit) {
        BigDecimal b = number(v, unit);
        return b == null ? "" : b.toPlainString();
    }

    /** "4.0 h", "6.3%", "120 lines", "0.42", "17"; "–" for none. */
    public static String text(Double v, Unit unit) {
        if (v == null || v.isNaN()) {
            return "–";
        }
        return switch (unit) {
            case COUNT -> String.format(Locale.ROOT, "%,d", Math.round(v));
            case HOURS -> String.format(Locale.ROOT, "%.1f h", v);
            case ROUNDS -> String.format(Locale.ROOT, "%.2f", v);
            case RATE -> String.format(Locale.ROOT, "%.1f%%", 100 * v);
            case LINES -> String.format(Locale.ROOT, "%,.0f lines", v);
        };
    }

    /** "3.1–5.2 h" (the interval in the figure's unit); "" for none. */
    public static String interval(Stats.Range r, Unit unit) {
        if (r == null) {
            return "";
        }
        return switch (unit) {
            case HOURS -> String.format(Locale.ROOT, "%.1f–%.1f h", r.low(), r.high());
            case RATE -> String.format(Locale.ROOT, "%.1f–%.1f%%", 100 * r.low(), 100 * r.high());
            case LINES -> String.format(Locale.ROOT, "%,.0f–%,.0f lines", r.low(), r.high());
            case ROUNDS, COUNT -> String.format(Locale.ROOT, "%.2f–%.2f", r.low(), r.high());
        };
    }

    /** PRs per engineer per week: two decimals. */
    public static String perWeek(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.2f", v);
    }

    /** A percent with one decimal, "–" for none. */
    public static String percent(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.1f%%", v);
    }
}
