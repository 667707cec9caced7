package dev.tally.access.sso;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.jboss.logging.Logger;

import dev.tally.access.AccessRole;
import dev.tally.access.SsoConfig;
import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.identity.IdentityService;
import dev.tally.identity.Team;
import dev.tally.platform.ApiException;

/**
 * SSO group → role and teams, from configuration ({@code TALLY_OIDC_GROUP_ROLES},
 * {@code TALLY_OIDC_GROUP_TEAMS}) and from the admin API (table access_group). A person gets the
 * highest role of their groups and the union of their teams; the API's entry for a group replaces
 * the configuration's.
 */
@ApplicationScoped
@ActivateRequestContext
public class GroupMappings {

    private static final Logger LOG = Logger.getLogger(GroupMappings.class);

    /** What a person's groups grant. */
    public record Grant(Optional<AccessRole> role, Set<UUID> teamIds) {}

    private final DataSource dataSource;
    private final AuditLog audit;
    private final SsoConfig config;
    private final IdentityService identity;

    /**
     * What was wrong with the configured mappings, as logged: each problem is said once, not at every
     * sign-in that reads them (a team named there may be made later, so they are read each time).
     */
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    public GroupMappings(DataSource dataSource, AuditLog audit, SsoConfig config, IdentityService identity) {
        this.dataSource = dataSource;
        this.audit = audit;
        this.config = config;
        this.identity = identity;
    }

    @Transactional(TxType.SUPPORTS)
    public Grant grant(Collection<String> groups) {
        Map<String, GroupMapping> all = all();
        AccessRole role = null;
        Set<UUID> teams = new LinkedHashSet<>();
        for (String g : groups) {
            GroupMapping m = all.get(g);
            if (m == null && g.startsWith("/")) {
                m = all.get(g.substring(1)); // Keycloak's full group paths
            }
            if (m == null) {
                continue;
            }
            if (m.role() != null && (role == null || m.role().rank() > role.rank())) {
                role = m.role();
            }
            teams.addAll(m.teamIds());
        }
        return new Grant(Optional.ofNullable(role), teams);
    }

    /** The employee with this e-mail, who a person signed in through SSO is. */
    @Transactional(TxType.SUPPORTS)
    public Optional<UUID> employeeByEmail(String email) {
        return identity.employeeByEmail(email).map(e -> e.id());
    }

    /** Every mapping by group: configuration first, the API's entries over it. */
    @Transactional(TxType.SUPPORTS)
    public Map<String, GroupMapping> all() {
        Map<String, GroupMapping> out = new LinkedHashMap<>(configured());
        for (GroupMapping m : stored()) {
            out.put(m.group(), m);
        }
        return out;
    }

    @Transactional
    public GroupMapping put(String group, GroupMappingUpdate req) {
        String g = group == null ? "" : group.trim();
        if (g.isEmpty() || g.length() > 256) {
            throw ApiException.badRequest("group: 1 to 256 characters");
        }
        List<UUID> teams = req.teamIds() == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(req.teamIds()));
        if (req.role() == null && teams.isEmpty()) {
            throw ApiException.badRequest("role or teamIds: a mapping grants a role, teams, or both");
        }
        for (int i = 0; i < teams.size(); i++) {
            if (teams.get(i) == null || Team.findById(teams.get(i)) == null) {
                throw ApiException.badRequest("teamIds[" + i + "]: no team with id " + teams.get(i));
            }
        }
        GroupMapping before =
                stored().stream().filter(m -> m.group().equals(g)).findFirst().orElse(null);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO access_group (group_name, role, team_ids, updated_at) VALUES (?, ?, ?, now())"
                                + " ON CONFLICT (group_name) DO UPDATE SET role = EXCLUDED.role, team_ids = EXCLUDED.team_ids,"
                                + " updated_at = now()")) {
            ps.setString(1, g);
            ps.setString(2, req.role() == null ? null : req.role().key());
            ps.setArray(3, c.createArrayOf("uuid", teams.toArray()));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write access_group: " + e.getMessage(), e);
        }
        GroupMapping after = new GroupMapping(g, req.role(), teams, "api");
        audit.record(
                AuditTarget.GROUP_MAPPING, before == null ? AuditChange.CREATE : AuditChange.UPDATE, g, before, after);
        return after;
    }

    @Transactional
    public void delete(String group) {
        GroupMapping before = stored().stream()
                .filter(m -> m.group().equals(group))
                .findFirst()
                .orElseThrow(() -> ApiException.notFound("no group mapping for '" + group + "' set through the API"));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM access_group WHERE group_name = ?")) {
            ps.setString(1, group);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write access_group: " + e.getMessage(), e);
        }
        audit.record(AuditTarget.GROUP_MAPPING, AuditChange.DELETE, group, before, null);
    }

    private List<GroupMapping> stored() {
        List<GroupMapping> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT group_name, role, team_ids FROM access_group ORDER BY group_name");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                UUID[] teams = (UUID[]) rs.getArray(3).getArray();
                out.add(new GroupMapping(
                        rs.getString(1),
                        rs.getString(2) == null ? null : AccessRole.parse(rs.getString(2)),
                        List.of(teams),
                        "api"));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read access_group: " + e.getMessage(), e);
        }
        return out;
    }

    private Map<String, GroupMapping> configured() {
        Map<String, AccessRole> roles = new LinkedHashMap<>();
        pairs(config.groupRoles().orElse(""), "TALLY_OIDC_GROUP_ROLES", this::warnOnce)
                .forEach((g, r) -> {
                    Optional<AccessRole> role = AccessRole.find(r);
                    if (role.isEmpty()) {
                        warnOnce(String.format(
                                "TALLY_OIDC_GROUP_ROLES: '%s' is not a role (admin, leader, team_lead, employee); group %s ignored",
                                r, g));
                    } else {
                        roles.put(g, role.get());
                    }
                });
        Map<String, List<UUID>> teams = new LinkedHashMap<>();
        pairList(config.groupTeams().orElse(""), "TALLY_OIDC_GROUP_TEAMS", this::warnOnce)
                .forEach(e -> {
                    String g = e.getKey();
                    String name = e.getValue();
                    Optional<UUID> team = identity.teamByName(name).map(t -> t.id());
                    if (team.isEmpty()) {
                        warnOnce(
                                String.format("TALLY_OIDC_GROUP_TEAMS: no team named '%s'; group %s ignored", name, g));
                    } else {
                        teams.computeIfAbsent(g, k -> new ArrayList<>()).add(team.get());
                    }
                });
        Map<String, GroupMapping> out = new LinkedHashMap<>();
        Set<String> groups = new LinkedHashSet<>(roles.keySet());
        groups.addAll(teams.keySet());
        for (String g : groups) {
            out.put(g, new GroupMapping(g, roles.get(g), teams.getOrDefault(g, List.of()), "config"));
        }
        return out;
    }

    private void warnOnce(String message) {
        if (warned.add(message)) {
            LOG.warn(message);
        }
    }

    /**
     * "a=b,c=d" → [(a, b), (c, d)]: a group may repeat (one team per pair). A part that is not
     * {@code group=value} is told to {@code warn} and left out.
     */
    static List<Map.Entry<String, String>> pairList(String spec, String variable, Consumer<String> warn) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String group = eq < 0 ? "" : part.substring(0, eq).trim();
            String value = eq < 0 ? "" : part.substring(eq + 1).trim();
            if (group.isEmpty() || value.isEmpty()) {
                warn.accept(String.format("%s: '%s' is not group=value; ignored", variable, part.trim()));
                continue;
            }
            out.add(Map.entry(group, value));
        }
        return out;
    }

    /** As {@link #pairList}, one value per group: the last pair of a group wins. */
    private static Map<String, String> pairs(String spec, String variable, Consumer<String> warn) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : pairList(spec, variable, warn)) {
            out.put(e.getKey(), e.getValue());
        }
        return out;
    }
}
