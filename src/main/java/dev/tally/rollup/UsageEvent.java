package dev.tally.rollup;

import java.time.Instant;
import java.util.UUID;

/** A validated usage event, reduced to what the rollups need. */
record UsageEvent(
        String id,
        Instant time,
        UUID teamId,
        UUID employeeId,
        String provider,
        String model,
        boolean error,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        boolean priced,
        long costNanos) {

    /**
     * Tokens of an unpriced call: input, output and both cache kinds. Reasoning tokens are left out
     * because both providers already count them inside the output tokens.
     */
    long billableTokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }
}
