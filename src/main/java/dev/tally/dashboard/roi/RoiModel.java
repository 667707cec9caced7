package dev.tally.dashboard.roi;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.Map;

/**
 * What an outcome is worth: hours saved per outcome × the loaded hourly cost of the people who
 * would otherwise have spent them. Value is integer nano-dollars, exact for any hour figure with up
 * to three decimals (the rollups keep valueHours at that precision), up to {@link #MAX_VALUE_NANOS}: a
 * value past what a long holds (about $9.2 billion), which self-reported hours can reach, is shown as
 * that amount instead of failing the report.
 *
 * @param loadedCostNanosPerHour salary + overhead of an hour of work, USD × 10^9
 * @param kinds                  per outcome kind, how many hours one outcome saves
 */
public record RoiModel(long loadedCostNanosPerHour, Map<String, KindValue> kinds) {

    /**
     * @param hours          hours saved by one outcome of this kind
     * @param aiAssistedOnly whether only AI-assisted outcomes count as AI's return (a PR merged
     *                       without AI help is not value bought with AI spend)
     * @param bySeverity     hours by lower-case severity, overriding {@code hours} when it matches
     */
    public record KindValue(BigDecimal hours, boolean aiAssistedOnly, Map<String, BigDecimal> bySeverity) {
        public KindValue {
            bySeverity = Map.copyOf(bySeverity);
        }

        BigDecimal hoursFor(String severity) {
            if (severity != null && !severity.isEmpty()) {
                BigDecimal h = bySeverity.get(severity.toLowerCase(Locale.ROOT));
                if (h != null) {
                    return h;
                }
            }
            return hours;
        }
    }

    public static final long NANOS_PER_USD = 1_000_000_000L;

    public RoiModel {
        kinds = Map.copyOf(kinds);
    }

    /** The documented defaults (also shipped as dashboards/roi.yaml). */
    public static RoiModel defaults() {
        return new RoiModel(
                100 * NANOS_PER_USD,
                Map.of(
                        "pr_merged", new KindValue(new BigDecimal("2"), true, Map.of()),
                        "bug_caught", new KindValue(new BigDecimal("3"), false, Map.of()),
                        "security_finding",
                                new KindValue(
                                        new BigDecimal("4"),
                                        false,
                                        Map.of(
                                                "critical",
                                                new BigDecimal("16"),
                                                "high",
                                                new BigDecimal("8"),
                                                "medium",
                                                new BigDecimal("4"),
                                                "low",
                                                new BigDecimal("1"))),
                        "task_automated", new KindValue(new BigDecimal("1"), false, Map.of())));
    }

    /**
     * Hours saved by a group of outcomes of one kind, AI flag and severity, of which
     * {@code explicitOutcomes} carried their own valueHours summing to {@code explicitHours}
     * (honoured as reported); the rest get the kind's default. Unknown kinds are worth nothing
     * until roi.yaml names them.
     */
    public BigDecimal hours(
            String kind,
            boolean aiAssisted,
            String severity,
            long outcomes,
            long explicitOutcomes,
            BigDecimal explicitHours) {
        KindValue kv = kinds.get(kind);
        if (kv == null || (kv.aiAssistedOnly() && !aiAssisted)) {
            return BigDecimal.ZERO;
        }
        BigDecimal implicit = kv.hoursFor(severity).multiply(BigDecimal.valueOf(outcomes - explicitOutcomes));
        return implicit.add(explicitHours == null ? BigDecimal.ZERO : explicitHours);
    }

    /** The most value a report shows: {@code Long.MAX_VALUE} nano-dollars, about $9.2 billion. */
    public static final long MAX_VALUE_NANOS = Long.MAX_VALUE;

    private static final BigDecimal MAX_VALUE = BigDecimal.valueOf(MAX_VALUE_NANOS);

    /**
     * Nano-dollars for {@code hours} of saved work, rounded half-up to the whole nano-dollar; at most
     * {@link #MAX_VALUE_NANOS}.
     */
    public long valueNanos(BigDecimal hours) {
        BigDecimal v = hours.multiply(BigDecimal.valueOf(loadedCostNanosPerHour));
        return v.compareTo(MAX_VALUE) >= 0
                ? MAX_VALUE_NANOS
                : v.setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /** Two values added (neither negative), stopping at {@link #MAX_VALUE_NANOS}. */
    public static long addValues(long a, long b) {
        long r = a + b;
        return r < 0 ? MAX_VALUE_NANOS : r;
    }

    /** Shorthand: value of a group of outcomes (see {@link #hours}). */
    public long valueNanos(
            String kind,
            boolean aiAssisted,
            String severity,
            long outcomes,
            long explicitOutcomes,
            BigDecimal explicitHours) {
        return valueNanos(hours(kind, aiAssisted, severity, outcomes, explicitOutcomes, explicitHours));
    }
}
