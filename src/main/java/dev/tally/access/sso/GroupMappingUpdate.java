package dev.tally.access.sso;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import dev.tally.access.AccessRole;

/** {@code PUT /api/admin/group-mappings/{group}}: the role and teams that members of the group get. */
// an answer's own fields, sent back in a GET-change-PUT round trip, are read-only and ignored;
// any other field the record lacks is a 400 naming it (quarkus.jackson.fail-on-unknown-properties)
@JsonIgnoreProperties({"group", "source"})
public record GroupMappingUpdate(AccessRole role, List<UUID> teamIds) {}
