package dev.tally.budget.alert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.tally.budget.Budget;
import dev.tally.budget.Scope;
import dev.tally.budget.SpikeRule;
import dev.tally.rollup.Rollups;

/**
 * Keys and people under a budget spending far above normal this hour, from {@code usage_hourly}
 * (local hours): this hour's spend above {@code factor} × its average hour over the trailing baseline
 * window (only once it has a baseline), or above the absolute amount per hour. A key is measured on
 * its own; a person on the sum of their keys, so that a loop spread over two keys, each under the
 * rule, still shows. A person is reported only when none of their keys spikes on its own this hour:
 * one key's loop is one alert, the key's.
 */
final class Spikes {

    /**
     * @param keyId    the key that spiked; null when a person's keys together did
     * @param employee the key's person, or the person whose keys spiked; null for a service key
     * @param workload a service key's workload (its runs are where a loop shows); null for a person's key
     * @param keyPrefix the spiking key's display prefix ({@code tly_ab12}: which of a person's keys); null
     *     when a person's keys together did
     */
    record Spike(
            UUID keyId,
            UUID employee,
            String employeeName,
            UUID teamId,
            long hourNanos,
            long baselineNanos,
            String workload,
            String keyPrefix) {}

    /** The key of a call made without one, and the person of a service key's call (Rollups.NO_EMPLOYEE). */
    private static final String NONE = Rollups.NO_EMPLOYEE.toString();

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

    /** Key spikes, then person spikes (none for a key's budget: it watches one key). */
    static List<Spike> find(Connection c, Budget b, Instant hour, int baselineHours) throws SQLException {
        List<Spike> keys = query(c, b, hour, baselineHours, Subject.KEY);
        List<Spike> out = new ArrayList<>(keys);
        if (b.scope() == Scope.KEY) {
            return out;
        }
        Set<UUID> spikedAlone = new HashSet<>();
        keys.forEach(s -> spikedAlone.add(s.employee()));
        for (Spike s : query(c, b, hour, baselineHours, Subject.PERSON)) {
            if (!spikedAlone.contains(s.employee())) {
                out.add(s);
            }
        }
        return out;
    }

    /** What one row of a spike query is: its group, its person, its workload. */
    private enum Subject {
        KEY(
                "key_id",
                "min(employee_id::text)",
                "(SELECT k.workload FROM api_key k WHERE k.id = usage_hourly.key_id AND k.team_id IS NOT NULL)",
                "(SELECT k.prefix FROM api_key k WHERE k.id = usage_hourly.key_id)",
                ""),
        // a service key's calls have no person (NONE): watched as a key, never summed as a person
        PERSON("employee_id", "employee_id::text", "NULL", "NULL", " AND employee_id <> '" + NONE + "'");

        final String group;
        final String person;
        final String workload;
        final String prefix;
        final String where;

        Subject(String group, String person, String workload, String prefix, String where) {
            this.group = group;
            this.person = person;
            this.workload = workload;
            this.prefix = prefix;
            this.where = where;
        }
    }

    /** Spend this hour and in the baseline window per key or person, keeping those over the rule. */
    private static List<Spike> query(Connection c, Budget b, Instant hour, int baselineHours, Subject subject)
            throws SQLException {
        SpikeRule rule = b.spike();
        String sql = "SELECT " + subject.group + ", min(team_id::text), "
                + "coalesce(sum(cost_nanos) FILTER (WHERE hour = ?), 0), "
                + "coalesce(sum(cost_nanos) FILTER (WHERE hour < ?), 0), "
                + subject.person + ", "
                + "(SELECT e.name FROM employee e WHERE e.id::text = " + subject.person + "), "
                + subject.workload + ", "
                + subject.prefix + " "
                + "FROM usage_hourly WHERE hour >= ? AND hour <= ? "
                + "AND key_id <> '" + NONE + "'" + subject.where + " AND " + filter(b)
                + " GROUP BY " + subject.group;
        List<Spike> found = new ArrayList<>();
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
                        UUID person = uuid(rs.getString(5));
                        found.add(new Spike(
                                subject == Subject.KEY ? rs.getObject(1, UUID.class) : null,
                                person == null || person.toString().equals(NONE) ? null : person,
                                rs.getString(6),
                                uuid(rs.getString(2)),
                                now,
                                baseline,
                                rs.getString(7),
                                rs.getString(8)));
                    }
                }
            }
        }
        return found;
    }

    private static UUID uuid(String s) {
        return s == null ? null : UUID.fromString(s);
    }

    /**
     * Pauses the key that spiked, or every unrevoked key of the person whose keys together did, until an
     * admin resumes them; gateways see it at their next refresh. Keys already paused stay as they were.
     */
    static void pause(Connection c, Spike spike, UUID budgetId, String reason) throws SQLException {
        String keys = spike.keyId() != null
                ? "SELECT ?::uuid"
                : "SELECT id FROM api_key WHERE employee_id = ?::uuid AND revoked_at IS NULL";
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO key_pause (key_id, budget_id, reason) "
                + "SELECT id, ?, ? FROM (" + keys + ") AS k (id) ON CONFLICT (key_id) DO NOTHING")) {
            ps.setObject(1, budgetId);
            ps.setString(2, reason);
            ps.setString(3, String.valueOf(spike.keyId() != null ? spike.keyId() : spike.employee()));
            if (ps.executeUpdate() == 0) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE budget_version SET version = version + 1")) {
            ps.executeUpdate();
        }
    }
}
