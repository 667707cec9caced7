package dev.tally.identity;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/admin/keys}. {@code allowedModels} empty or absent: every model; the rate
 * limits and {@code maxInFlight} (calls at once) absent: the gateway's configured defaults.
 */
public record NewKey(
        @NotNull UUID employeeId,
        @Size(max = 200) String name,
        @Future Instant expiresAt,
        @Size(max = 200) List<String> allowedModels,
        @Positive Integer requestsPerMinute,
        @Positive Integer tokensPerMinute,
        @Positive Integer maxInFlight) {

    /** A key with no expiry, every model and the default limits. */
    public static NewKey of(UUID employeeId, String name) {
        return new NewKey(employeeId, name, null, null, null, null, null);
    }
}
