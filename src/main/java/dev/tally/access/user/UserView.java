package dev.tally.access.user;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.tally.access.AccessRole;

/**
 * A local account as listed and audited (never the password or its hash). {@code password} is set
 * only in the answer that created or reset it: the one time it is shown.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserView(
        UUID id,
        String username,
        String name,
        AccessRole role,
        List<UUID> teamIds,
        UUID employeeId,
        boolean disabled,
        Instant createdAt,
        String password) {

    UserView withoutPassword() {
        return new UserView(id, username, name, role, teamIds, employeeId, disabled, createdAt, null);
    }
}
