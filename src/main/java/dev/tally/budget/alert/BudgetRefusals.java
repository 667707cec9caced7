package dev.tally.budget.alert;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import dev.tally.budget.Budget;
import dev.tally.budget.Scope;
import dev.tally.gateway.admission.RefusalReason;

/**
 * Whether the gateways refused a call in a budget's scope because a budget was spent, after the
 * budget was created, from {@code refusal_team_day} (rolled up by the aggregator with its offsets).
 * A {@code $0} block budget never has spend to cross a threshold with; its first refused call is what
 * raises its blocked alert. Every such refusal in its scope made since it exists is one it would have
 * made itself (it refuses every billed call); one made before, by another budget, is not its own.
 *
 * <p>The rows are per day; each row's {@code last_at} is its latest refusal's time (the usage event's,
 * from the gateway's clock), so a row holds a refusal made since the budget's {@code created_at} (from
 * PostgreSQL's) exactly when {@code last_at >= created_at}. A row rolled up before {@code last_at}
 * existed (V1640) only says its day: it counts when that whole day comes after the day the budget was
 * created, and not on that day itself, where it cannot tell before from after.
 */
final class BudgetRefusals {

    private BudgetRefusals() {}

    private static String filter(Scope scope) {
        return switch (scope) {
            case ORG -> "true";
            case DEPARTMENT -> "r.team_id IN (SELECT t.id FROM team t WHERE t.department = ?)";
            case TEAM -> "r.team_id = ?::uuid";
            case EMPLOYEE -> "r.key_id IN (SELECT k.id FROM api_key k WHERE k.employee_id = ?::uuid)";
            case KEY -> "r.key_id = ?::uuid";
        };
    }

    /**
     * Whether a call in {@code b}'s scope was refused as over budget on a local day in {@code [first,
     * next)} of {@code zone}, at or after {@code b} was created.
     */
    static boolean any(Connection c, Budget b, LocalDate first, LocalDate next, ZoneId zone) throws SQLException {
        Instant created;
        try (PreparedStatement ps = c.prepareStatement("SELECT created_at FROM budget WHERE id = ?")) {
            ps.setObject(1, b.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false; // deleted since it was read: it refuses nothing
                }
                created = rs.getTimestamp(1).toInstant();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM refusal_team_day r "
                + "WHERE r.reason = ? AND r.day >= ? AND r.day < ? "
                + "AND (r.last_at >= ? OR (r.last_at IS NULL AND r.day > ?)) AND "
                + filter(b.scope()) + ")")) {
            ps.setString(1, RefusalReason.BUDGET_EXCEEDED.wire);
            ps.setDate(2, Date.valueOf(first));
            ps.setDate(3, Date.valueOf(next));
            ps.setTimestamp(4, Timestamp.from(created));
            ps.setDate(5, Date.valueOf(LocalDate.ofInstant(created, zone)));
            if (b.scope() != Scope.ORG) {
                ps.setString(6, b.scopeId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
