package dev.tally.identity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/admin/keys}. {@code allowedModels} empty or absent: every model; the rate
 * limits and {@code maxInFlight} (calls at once) absent: the gateway's configured defaults. An
 * employee's key names {@code employeeId}; a service key names {@code teamId}, {@code service: true},
 * a {@code name} and a {@code workload} instead. {@code workloadHeader}: calls may set
 * {@code x-tally-workload} (docs/workloads.md).
 */
public record NewKey(
        UUID employeeId,
        @Size(max = 200) String name,
        @Future Instant expiresAt,
        @Size(max = 200) List<String> allowedModels,
        @Positive Integer requestsPerMinute,
        @Positive Integer tokensPerMinute,
        @Positive Integer maxInFlight,
        UUID teamId,
        Boolean service,
        @Size(max = 64) String workload,
        Boolean workloadHeader) {

    /** An employee's key with these limits (the form before service keys). */
    public NewKey(
            UUID employeeId,
            String name,
            Instant expiresAt,
            List<String> allowedModels,
            Integer requestsPerMinute,
            Integer tokensPerMinute,
            Integer maxInFlight) {
        this(
                employeeId,
                name,
                expiresAt,
                allowedModels,
                requestsPerMinute,
                tokensPerMinute,
                maxInFlight,
                null,
                null,
                null,
                null);
    }

    /** A key with no expiry, every model and the default limits. */
    public static NewKey of(UUID employeeId, String name) {
        return new NewKey(employeeId, name, null, null, null, null, null);
    }

    /** A service key of {@code teamId} for {@code workload}, no expiry, every model, default limits. */
    public static NewKey service(UUID teamId, String name, String workload) {
        return new NewKey(null, name, null, null, null, null, null, teamId, true, workload, null);
    }

    public boolean isService() {
        return Boolean.TRUE.equals(service);
    }
}
