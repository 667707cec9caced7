package dev.tally.dashboard.delivery;

import java.util.Locale;

/**
 * How much a person used AI in a period, from their gateway calls per week (calls in the period × 7 ÷
 * the period's days), against the configured cut-offs. Compared in whole numbers (calls × 7 against
 * cut-off × days), so a person exactly on a cut-off is in the higher cohort, never lost to rounding.
 */
public enum Cohort {
    NONE("None"),
    LIGHT("Light"),
    MODERATE("Moderate"),
    HEAVY("Heavy");

    private final String label;

    Cohort(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The cohort of {@code calls} gateway calls over {@code days} days. */
    public static Cohort of(long calls, long days, DeliveryConfig config) {
        if (reaches(calls, days, config.heavyFromCallsPerWeek())) {
            return HEAVY;
        }
        if (reaches(calls, days, config.moderateFromCallsPerWeek())) {
            return MODERATE;
        }
        if (reaches(calls, days, config.lightFromCallsPerWeek())) {
            return LIGHT;
        }
        return NONE;
    }

    private static boolean reaches(long calls, long days, long perWeek) {
        return calls * 7 >= perWeek * days;
    }

    /** "under 1 call a week", "1–49 calls a week", …, "250+ calls a week". */
    public String range(DeliveryConfig c) {
        return switch (this) {
            case NONE ->
                "under " + c.lightFromCallsPerWeek() + (c.lightFromCallsPerWeek() == 1 ? " call" : " calls")
                        + " a week";
            case LIGHT -> c.lightFromCallsPerWeek() + "–" + (c.moderateFromCallsPerWeek() - 1) + " calls a week";
            case MODERATE -> c.moderateFromCallsPerWeek() + "–" + (c.heavyFromCallsPerWeek() - 1) + " calls a week";
            case HEAVY -> c.heavyFromCallsPerWeek() + "+ calls a week";
        };
    }
}
