package dev.tally.identity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The answer to a key creation: the only time {@code key} is ever shown. */
public record CreatedKey(
        UUID id,
        String key,
        String prefix,
        UUID employeeId,
        UUID teamId,
        String name,
        Instant expiresAt,
        List<String> allowedModels,
        Integer requestsPerMinute,
        Integer tokensPerMinute,
        Integer maxInFlight,
        Instant createdAt,
        boolean service,
        String workload,
        boolean workloadHeader) {}
