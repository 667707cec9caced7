package dev.tally.budget.alert;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why a budget alert was sent (the {@code kind} of {@code dev.tally.alert.v1}). */
public enum AlertKind {
    /** The period's spend crossed one of the budget's thresholds. */
    THRESHOLD,
    /** The run rate projects the period's spend above the amount. */
    PROJECTED,
    /** A key spends far above its own hourly baseline, or above an absolute amount per hour. */
    SPIKE,
    /** A block budget is spent: the gateways refuse its calls. */
    BLOCKED,
    /** A downgrade budget reached its point: the gateways route its listed models to cheaper ones. */
    DOWNGRADED;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
