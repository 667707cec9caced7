package dev.tally.access.user;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import dev.tally.access.AccessRole;

/**
 * {@code POST /api/admin/users}: a local account. The e-mail is the sign-in name and links the
 * account to the employee with that e-mail (My usage, own keys). {@code teamIds}: the teams a team
 * lead leads. {@code password}: at least 12 characters; omitted = generated and returned once.
 */
public record NewUser(
        @NotBlank @Size(max = 320) String email,
        @NotBlank @Size(max = 200) String name,
        @NotNull AccessRole role,
        List<UUID> teamIds,
        @Size(min = 12, max = 200) String password) {}
