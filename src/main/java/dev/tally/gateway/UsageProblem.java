package dev.tally.gateway;

import java.util.Locale;

/**
 * Why a provider's usage numbers were refused. A call whose provider reported any of these is
 * recorded with all of its reported counts discarded and estimated instead ({@code estimated=true}),
 * counted in {@code tally_gateway_invalid_usage_total} and logged (without content): one bad number
 * must not reach the totals, and the others of the same report are not trusted either.
 */
public enum UsageProblem {
    NEGATIVE("a negative count"),
    TOO_LARGE("a count over " + UsageParser.MAX_TOKENS + " tokens"),
    NOT_A_NUMBER("a count that is not a whole number"),
    INCONSISTENT(
            "a part larger than its whole (cached over prompt tokens, reasoning over output, 1-hour over all cache writes)");

    /** For the log line. */
    public final String description;

    /** The metric's label. */
    public final String label;

    UsageProblem(String description) {
        this.description = description;
        this.label = name().toLowerCase(Locale.ROOT);
    }
}
