package dev.tally.alert.channel;

import java.util.Locale;

/** What an alert says (the {@code kind} of a {@code dev.tally.alert.v1} event), plus the weekly digest. */
public enum AlertKind {
    THRESHOLD,
    PROJECTED,
    SPIKE,
    BLOCKED,
    DOWNGRADED,
    DIGEST;

    public String apiName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind an event names; null for none this version knows. */
    public static AlertKind of(String value) {
        for (AlertKind k : values()) {
            if (k.apiName().equals(value)) {
                return k;
            }
        }
        return null;
    }
}
