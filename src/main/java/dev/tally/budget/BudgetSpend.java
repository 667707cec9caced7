package dev.tally.budget;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A budget's rolled-up spend for a period, read from the rollup tables the aggregator writes with
 * its Kafka offsets (so it is exactly the sum of the counted events): team, department and org
 * budgets from {@code usage_team_day}, employee and key budgets from {@code usage_key_day}. One
 * statement per scope for any number of budgets.
 */
public final class BudgetSpend {

    /** Rolled-up spend: priced cost and the calls left out of it because their model had no price. */
    public record Spent(long costNanos, long unpricedCalls) {
        public static final Spent NONE = new Spent(0, 0);
    }

    /** One budget's period as local dates: {@code [first, next)}. */
    public record Ask(UUID budgetId, Scope scope, String scopeId, LocalDate first, LocalDate next) {}

    private BudgetSpend() {}

    private static String join(Scope scope) {
        return switch (scope) {
            case ORG -> "usage_team_day u ON u.day >= b.s AND u.day < b.e";
            case DEPARTMENT ->
                "team t ON t.department = b.sid LEFT JOIN usage_team_day u "
                        + "ON u.team_id = t.id AND u.day >= b.s AND u.day < b.e";
            case TEAM -> "usage_team_day u ON u.team_id = b.sid::uuid AND u.day >= b.s AND u.day < b.e";
            case EMPLOYEE -> "usage_key_day u ON u.employee_id = b.sid::uuid AND u.day >= b.s AND u.day < b.e";
            case KEY -> "usage_key_day u ON u.key_id = b.sid::uuid AND u.day >= b.s AND u.day < b.e";
        };
    }

    /** The spend of each asked budget (absent from the map: nothing spent). */
    public static Map<UUID, Spent> read(Connection c, List<Ask> asks) throws SQLException {
        Map<Scope, List<Ask>> byScope = new EnumMap<>(Scope.class);
        for (Ask a : asks) {
            byScope.computeIfAbsent(a.scope(), s -> new ArrayList<>()).add(a);
        }
        Map<UUID, Spent> out = new HashMap<>();
        for (Map.Entry<Scope, List<Ask>> e : byScope.entrySet()) {
            List<Ask> list = e.getValue();
            try (PreparedStatement ps = c.prepareStatement("SELECT b.id, coalesce(sum(u.cost_nanos), 0), "
                    + "coalesce(sum(u.unpriced_requests), 0) FROM unnest(?::uuid[], ?::text[], ?::date[], ?::date[]) "
                    + "AS b(id, sid, s, e) LEFT JOIN " + join(e.getKey()) + " GROUP BY b.id")) {
                ps.setArray(
                        1,
                        c.createArrayOf("uuid", list.stream().map(Ask::budgetId).toArray()));
                ps.setArray(
                        2,
                        c.createArrayOf("text", list.stream().map(Ask::scopeId).toArray()));
                ps.setArray(
                        3,
                        c.createArrayOf(
                                "date",
                                list.stream().map(a -> Date.valueOf(a.first())).toArray()));
                ps.setArray(
                        4,
                        c.createArrayOf(
                                "date",
                                list.stream().map(a -> Date.valueOf(a.next())).toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getObject(1, UUID.class), new Spent(rs.getLong(2), rs.getLong(3)));
                    }
                }
            }
        }
        return out;
    }
}
