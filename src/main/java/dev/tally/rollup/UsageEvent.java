package dev.tally.rollup;

import java.time.Instant;
import java.util.UUID;

/** A validated usage event, reduced to what the rollups need. */
public record UsageEvent(
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
    public long billableTokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens;
    }

    /**
     * The key of {@code usage_event_id}: the id itself when it is a UUID (the gateway's ids are),
     * otherwise its name-based (MD5) UUID. Sixteen bytes compare and index far cheaper than text.
     */
    public UUID dedupeKey() {
        if (id.length() == 36) {
            try {
                return UUID.fromString(id);
            } catch (IllegalArgumentException e) {
                // not a UUID: fall through
            }
        }
        return UUID.nameUUIDFromBytes(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
