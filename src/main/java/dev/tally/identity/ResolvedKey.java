package dev.tally.identity;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * What the gateway knows about a presented key after the lookup: who it belongs to and what it may
 * do. {@code allowedModels} empty = every model; limits (per minute, calls in flight) null = the
 * configured defaults.
 */
public record ResolvedKey(
        UUID keyId,
        String prefix,
        UUID employeeId,
        UUID teamId,
        Set<String> allowedModels,
        Instant expiresAt,
        Integer requestsPerMinute,
        Integer tokensPerMinute,
        Integer maxInFlight) {

    public boolean allowsModel(String model) {
        return allowedModels == null || allowedModels.isEmpty() || allowedModels.contains(model);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
