package dev.tally.budget.alert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.tally.budget.Budget;
import dev.tally.budget.SpikeRule;

/**
 * Keys under a budget spending far above normal this hour, from {@code usage_hourly} (local hours):
 * this hour's spend above {@code factor} × the key's average hour over the trailing baseline window
 * (only once the key has a baseline), or above the absolute amount per hour.
 */
final class Spikes {

    /** @param workload a service key's workload (its runs are where a loop shows); null for a person's key */
    record Spike(UUID keyId, UUID teamId, long hourNanos, long baselineNanos, String workload) {}

    private Spikes() {}

    private static String filter(Budget b) {
        return switch (b.scope()) {
            case ORG -> "true";
            case DEPARTMENT -> "team_id IN (SELECT id FROM team WHERE department = ?)";
            case TEAM -> "team_id = ?::uuid";
            case EMPLOYEE -> "employee_id = ?::uuid";
            case KEY -> "key_id = ?::uuid";
        };
    }

    static List<Spike> find(Connection c, Budget b, Instant hour, int baselineHours) throws SQLException {
        SpikeRule rule = b.spike();
        String sql = "SELECT key_id, min(team_id::text), "
                + "coalesce(sum(cost_nanos) FILTER (WHERE hour = ?), 0), "
                + "coalesce(sum(cost_nanos) FILTER (WHERE hour < ?), 0), "
                + "(SELECT k.workload FROM api_key k WHERE k.id = usage_hourly.key_id AND k.team_id IS NOT NULL) "
                + "FROM usage_hourly "
                + "WHERE hour >= ? AND hour <= ? AND key_id <> '00000000-0000-0000-0000-000000000000' AND " + filter(b)
                + " GROUP BY key_id";
        List<Spike> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Timestamp h = Timestamp.from(hour);
            ps.setTimestamp(1, h);
            ps.setTimestamp(2, h);
            ps.setTimestamp(3, Timestamp.from(hour.minusSeconds(3600L * baselineHours)));
            ps.setTimestamp(4, h);
            if (b.scopeId() != null) {
                ps.setString(5, b.scopeId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long now = rs.getLong(3);
                    long baseline = rs.getLong(4) / Math.max(1, baselineHours);
                    boolean absolute = rule.perHourNanos() != null && now > rule.perHourNanos();
                    boolean relative = rule.factor() != null && baseline > 0 && now > baseline * rule.factor();
                    if (absolute || relative) {
                        String team = rs.getString(2);
                        out.add(new Spike(
                                rs.getObject(1, UUID.class),
                                team == null ? null : UUID.fromString(team),
                                now,
                                baseline,
                                rs.getString(5)));
                    }
                }
            }
        }
        return out;
    }

    /** Pauses the key until an admin resumes it; gateways see it at their next refresh. */
    static void pause(Connection c, UUID keyId, UUID budgetId, String reason) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO key_pause (key_id, budget_id, reason) VALUES (?, ?, ?) ON CONFLICT (key_id) DO NOTHING")) {
            ps.setObject(1, keyId);
            ps.setObject(2, budgetId);
            ps.setString(3, reason);
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE budget_version SET version = version + 1")) {
            ps.executeUpdate();
        }
    }
}
