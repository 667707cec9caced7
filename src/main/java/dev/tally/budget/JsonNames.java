package dev.tally.budget;

import java.util.Locale;

/** The budgets API's enum values are their lower-case names ({@code "pause_key"} for {@code PAUSE_KEY}). */
final class JsonNames {

    private JsonNames() {}

    static String of(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /** The value named {@code s} (lower case), or null when none is. */
    static <E extends Enum<E>> E parse(E[] values, String s) {
        for (E v : values) {
            if (of(v).equals(s)) {
                return v;
            }
        }
        return null;
    }
}
