package dev.tally.access.sso;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.tally.access.AccessRole;

/**
 * What one SSO group grants: a role and/or teams (a team lead's teams).
 *
 * @param source {@code api} (set through /api/admin/group-mappings, can be changed there) or
 *               {@code config} (TALLY_OIDC_GROUP_ROLES / _GROUP_TEAMS, read-only here)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GroupMapping(String group, AccessRole role, List<UUID> teamIds, String source) {}
