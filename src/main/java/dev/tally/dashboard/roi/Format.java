package dev.tally.dashboard.roi;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Human formatting of metric values: the one place nano-dollars become a display string. */
public final class Format {

    private Format() {}

    /** $1,234.56 (cents, half-up), or "n/a". */
    public static String money(Long nanos) {
        if (nanos == null) {
            return "n/a";
        }
        BigDecimal usd = BigDecimal.valueOf(nanos).movePointLeft(9);
        BigDecimal abs = usd.abs();
        if (nanos != 0 && abs.compareTo(new BigDecimal("0.005")) < 0) {
            // A few cheap calls: "$0.00" would read as free (or unpriced); the exact figure is in the CSV.
            return usd.signum() < 0 ? "−<$0.01" : "<$0.01";
        }
        String s;
        if (abs.compareTo(BigDecimal.valueOf(1_000_000)) >= 0) {
            s = String.format(Locale.ROOT, "$%,.2fM", abs.movePointLeft(6).setScale(2, RoundingMode.HALF_UP));
        } else if (abs.compareTo(BigDecimal.valueOf(100_000)) >= 0) {
            s = String.format(Locale.ROOT, "$%,.0f", abs.setScale(0, RoundingMode.HALF_UP));
        } else {
            s = String.format(Locale.ROOT, "$%,.2f", abs.setScale(2, RoundingMode.HALF_UP));
        }
        return usd.signum() < 0 ? "−" + s : s;
    }

    /** Decimal USD with all nine digits, for CSV and JSON: exact, and sums of it are exact. */
    public static String usdExact(long nanos) {
        return BigDecimal.valueOf(nanos).movePointLeft(9).toPlainString();
    }

    public static String count(long n) {
        if (Math.abs(n) >= 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1fB", n / 1_000_000_000.0);
        }
        if (Math.abs(n) >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1_000_000.0);
        }
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String value(Metric metric, Metrics m) {
        Object raw = metric.raw(m);
        if (raw == null) {
            return "n/a";
        }
        if (metric == Metric.SPEND && m.spendNanos() == 0 && m.unpricedRequests() > 0) {
            // all of it unpriced: there is no spend to show, and "$0.00" would read as free
            return "unpriced";
        }
        return bound(metric, m)
                + switch (metric.unit()) {
                    case MONEY -> money(((Number) raw).longValue());
                    case COUNT -> count(((Number) raw).longValue());
                    case PERCENT -> ((BigDecimal) raw).toPlainString() + "%";
                    case MULTIPLE -> ((BigDecimal) raw).toPlainString() + "×";
                    case DECIMAL -> ((BigDecimal) raw).toPlainString();
                };
    }

    /**
     * "≤ " or "≥ " before a figure derived from spend when some calls are unpriced
     * ({@link Metrics#spendComplete}): their cost is unknown, so the figure is a bound, not a value.
     * Spend itself is shown as priced spend, with the unpriced calls beside it.
     */
    public static String bound(Metric metric, Metrics m) {
        if (m.spendComplete()) {
            return "";
        }
        return switch (metric) {
            case ROI, NET, BUGS_PER_1K -> "≤ ";
            case COST_PER_AI_PR -> "≥ ";
            default -> "";
        };
    }

    /** Value as written to CSV and JSON: exact, unformatted ("" for n/a in CSV). */
    public static String plain(Metric metric, Metrics m) {
        Object raw = metric.raw(m);
        if (raw == null) {
            return "";
        }
        if (metric.unit() == Metric.Unit.MONEY) {
            return usdExact(((Number) raw).longValue());
        }
        return raw instanceof BigDecimal b ? b.toPlainString() : raw.toString();
    }

    /** "+12.5%" / "−3.0%" / "" (no comparison possible). */
    public static String change(BigDecimal pct) {
        if (pct == null) {
            return "";
        }
        return (pct.signum() > 0 ? "+" : pct.signum() < 0 ? "−" : "±")
                + pct.abs().toPlainString() + "%";
    }
}
