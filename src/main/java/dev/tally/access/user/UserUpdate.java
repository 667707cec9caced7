package dev.tally.access.user;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.tally.access.AccessRole;

/** {@code PATCH /api/admin/users/{id}}: only the fields given change. */
// an answer's own fields, sent back in a GET-change-PATCH round trip, are read-only and ignored;
// any other field the record lacks is a 400 naming it (quarkus.jackson.fail-on-unknown-properties)
@JsonIgnoreProperties({"id", "username", "employeeId", "createdAt"})
public record UserUpdate(
        @Size(min = 1, max = 200) String name, AccessRole role, List<UUID> teamIds, Boolean disabled) {}
