package dev.tally.access.sso;

import java.util.List;
import java.util.UUID;

import dev.tally.access.AccessRole;

/** {@code PUT /api/admin/group-mappings/{group}}: the role and teams that members of the group get. */
public record GroupMappingUpdate(AccessRole role, List<UUID> teamIds) {}
