package dev.tally.identity;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/**
 * What the gateway knows about a presented key after the lookup: who it belongs to and what it may
 * do. {@code allowedModels} empty = every model; limits (per minute, calls in flight) null = the
 * configured defaults. A service key has no employee, its team's id and its {@code workload};
 * {@code workloadHeader} says whether calls may name their workload in {@code x-tally-workload}.
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
        Integer maxInFlight,
        String workload,
        boolean workloadHeader) {

    /** An employee's key without a workload policy (the form before service keys). */
    public ResolvedKey(
            UUID keyId,
            String prefix,
            UUID employeeId,
            UUID teamId,
            Set<String> allowedModels,
            Instant expiresAt,
            Integer requestsPerMinute,
            Integer tokensPerMinute,
            Integer maxInFlight) {
        this(
                keyId,
                prefix,
                employeeId,
                teamId,
                allowedModels,
                expiresAt,
                requestsPerMinute,
                tokensPerMinute,
                maxInFlight,
                null,
                false);
    }

    /** A team's service key: no employee behind it, never counted in adoption. */
    public boolean service() {
        return employeeId == null;
    }

    public boolean allowsModel(String model) {
        return allowedModels == null || allowedModels.isEmpty() || allowedModels.contains(model);
    }

    public boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
