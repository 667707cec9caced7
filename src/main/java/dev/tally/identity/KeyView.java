package dev.tally.identity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A key as listed: never the key, only its display prefix. {@code status}: active, revoked or
 * expired; {@code lastUsedAt}: the last gateway call with it (written in batches, see LastUse).
 * {@code teamId} is set for a service key ({@code service: true}) only.
 */
public record KeyView(
        UUID id,
        String prefix,
        UUID employeeId,
        String name,
        Instant expiresAt,
        List<String> allowedModels,
        Integer requestsPerMinute,
        Integer tokensPerMinute,
        Integer maxInFlight,
        Instant createdAt,
        Instant revokedAt,
        Instant lastUsedAt,
        String status,
        UUID teamId,
        boolean service,
        String workload,
        boolean workloadHeader) {

    static KeyView of(ApiKey k, Instant now, Instant lastUsedAt) {
        String status = k.revokedAt != null
                ? "revoked"
                : k.expiresAt != null && !now.isBefore(k.expiresAt) ? "expired" : "active";
        return new KeyView(
                k.id,
                k.prefix,
                k.employeeId,
                k.name,
                k.expiresAt,
                k.allowedModels == null ? List.of() : List.of(k.allowedModels),
                k.requestsPerMinute,
                k.tokensPerMinute,
                k.maxInFlight,
                k.createdAt,
                k.revokedAt,
                lastUsedAt,
                status,
                k.teamId,
                k.employeeId == null,
                k.workload,
                k.workloadHeader);
    }
}
