package dev.tally.access.token;

import java.time.Instant;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import dev.tally.access.Scope;

/** {@code POST /api/admin/tokens}: a name, one or more scopes, an optional expiry. */
public record NewToken(
        @NotBlank @Size(max = 200) String name, @NotEmpty List<Scope> scopes, Instant expiresAt) {}
