package dev.tally.budget;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Readable names of budget scopes, and the team page each links to, so that an alert's receiver and
 * the budgets page need no lookup of their own.
 */
public final class ScopeNames {

    /** A scope's name, and its team (null for the org and a department). */
    public record Named(String name, UUID teamId) {
        /** The page to read more: the team page, or the budgets page for the org and a department. */
        public String link() {
            return teamId == null ? "/budgets" : "/teams/" + teamId;
        }
    }

    private ScopeNames() {}

    /** Names of the budgets' scopes, by budget id. */
    public static Map<UUID, Named> of(Connection c, List<Budget> budgets) throws SQLException {
        Map<String, Named> byId = byId(
                c,
                budgets.stream()
                        .map(Budget::scopeId)
                        .filter(s -> s != null)
                        .distinct()
                        .toArray(String[]::new));
        Map<UUID, Named> out = new HashMap<>();
        for (Budget b : budgets) {
            out.put(b.id(), named(b.scope(), b.scopeId(), byId));
        }
        return out;
    }

    /** The name of one scope, as {@link #of} gives it for a budget on that scope. */
    public static Named of(Connection c, Scope scope, String scopeId) throws SQLException {
        return named(scope, scopeId, scopeId == null ? Map.of() : byId(c, new String[] {scopeId}));
    }

    private static Named named(Scope scope, String scopeId, Map<String, Named> byId) {
        return switch (scope) {
            case ORG -> new Named("Organisation", null);
            case DEPARTMENT -> new Named(scopeId, null);
            default -> byId.getOrDefault(scopeId, new Named(scopeId, null));
        };
    }

    /** Teams', people's and keys' names (a key by its name or prefix and its person), by id. */
    private static Map<String, Named> byId(Connection c, String[] ids) throws SQLException {
        Map<String, Named> byId = new HashMap<>();
        if (ids.length > 0) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id::text, name, id FROM team WHERE id::text = ANY (?)
                    UNION ALL SELECT id::text, name, team_id FROM employee WHERE id::text = ANY (?)
                    UNION ALL SELECT k.id::text, coalesce(k.name, k.prefix) || ' (' || coalesce(e.name, 'service') || ')',
                           coalesce(k.team_id, e.team_id)
                      FROM api_key k LEFT JOIN employee e ON e.id = k.employee_id WHERE k.id::text = ANY (?)""")) {
                for (int i = 1; i <= 3; i++) {
                    ps.setArray(i, c.createArrayOf("text", ids));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        byId.put(rs.getString(1), new Named(rs.getString(2), rs.getObject(3, UUID.class)));
                    }
                }
            }
        }
        return byId;
    }
}
