package dev.tally.budget.alert;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;

import dev.tally.budget.Budget;
import dev.tally.budget.Scope;
import dev.tally.gateway.admission.RefusalReason;

/**
 * Whether the gateways refused a call in a budget's scope because a budget was spent, from
 * {@code refusal_team_day} (rolled up by the aggregator with its offsets). A {@code $0} block budget
 * never has spend to cross a threshold with; its first refused call is what raises its blocked alert.
 * Every such refusal in its scope is one it would have made itself: it refuses every billed call.
 */
final class BudgetRefusals {

    private BudgetRefusals() {}

    private static String filter(Scope scope) {
        return switch (scope) {
            case ORG -> "true";
            case DEPARTMENT -> "team_id IN (SELECT id FROM team WHERE department = ?)";
            case TEAM -> "team_id = ?::uuid";
            case EMPLOYEE -> "key_id IN (SELECT id FROM api_key WHERE employee_id = ?::uuid)";
            case KEY -> "key_id = ?::uuid";
        };
    }

    /** Whether a call in {@code b}'s scope was refused as over budget on a local day in {@code [first, next)}. */
    static boolean any(Connection c, Budget b, LocalDate first, LocalDate next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM refusal_team_day "
                + "WHERE reason = ? AND day >= ? AND day < ? AND " + filter(b.scope()) + ")")) {
            ps.setString(1, RefusalReason.BUDGET_EXCEEDED.wire);
            ps.setDate(2, Date.valueOf(first));
            ps.setDate(3, Date.valueOf(next));
            if (b.scope() != Scope.ORG) {
                ps.setString(4, b.scopeId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
