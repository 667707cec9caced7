package dev.tally.access.user;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Size;

import dev.tally.access.AccessRole;

/** {@code PATCH /api/admin/users/{id}}: only the fields given change. */
public record UserUpdate(
        @Size(min = 1, max = 200) String name, AccessRole role, List<UUID> teamIds, Boolean disabled) {}
