package dev.tally.events;

/** Topic names; the partitions and retention are in {@code kafka/topics.conf}. Tests reuse these. */
public final class Topics {
    public static final String USAGE = "tally.usage.v1";
    public static final String OUTCOMES = "tally.outcomes.v1";
    public static final String ALERTS = "tally.alerts.v1";
    public static final String DLQ = "tally.dlq.v1";

    private Topics() {}
}
