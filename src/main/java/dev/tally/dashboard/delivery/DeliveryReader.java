package dev.tally.dashboard.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The SQL of delivery metrics: merged PRs with their facts and outcome ({@code pr_fact} ⨝ {@code
 * outcome}), the PRs that may revert or hot-fix them and people's gateway calls ({@code usage_daily}).
 * A null team means the whole organisation.
 */
final class DeliveryReader {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    private final ObjectMapper json;

    DeliveryReader(ObjectMapper json) {
        this.json = json;
    }

    /** PRs merged in {@code [from, to)}, oldest first, without change-failure flags yet. */
    List<PrRecord> prs(Connection c, UUID team, Instant from, Instant to) throws SQLException {
        String sql =
                "SELECT f.outcome_id, f.repository, f.number, f.title, o.team_id, o.employee_id, f.author, o.ai_assisted,"
                        + " f.opened_at, f.first_review_at, f.merged_at, f.additions, f.deletions, f.commits, f.review_rounds,"
                        + " f.merge_commit_sha FROM pr_fact f JOIN outcome o ON o.id = f.outcome_id"
                        + " WHERE f.merged_at >= ? AND f.merged_at < ?" + (team == null ? "" : " AND o.team_id = ?")
                        + " ORDER BY f.merged_at, f.outcome_id";
        List<PrRecord> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, from.atOffset(ZoneOffset.UTC));
            ps.setObject(2, to.atOffset(ZoneOffset.UTC));
            if (team != null) {
                ps.setObject(3, team);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PrRecord(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getInt(3),
                            rs.getString(4),
                            rs.getObject(5, UUID.class),
                            rs.getObject(6, UUID.class),
                            rs.getString(7),
                            rs.getBoolean(8),
                            instant(rs, 9),
                            instant(rs, 10),
                            instant(rs, 11),
                            integer(rs, 12),
                            integer(rs, 13),
                            integer(rs, 14),
                            integer(rs, 15),
                            rs.getString(16),
                            false,
                            false));
                }
            }
        }
        return out;
    }

    /**
     * PRs merged after {@code from} that say they revert something or carry a hotfix label, each with
     * the PR its {@code Revert "…"} title names (the latest of that title in its repository before it).
     */
    List<ChangeFailures.Candidate> candidates(Connection c, Instant from, List<String> hotfixLabels)
            throws SQLException {
        String[] labels = hotfixLabels.stream()
                .map(l -> l.strip().toLowerCase(Locale.ROOT))
                .toArray(String[]::new);
        String hotfix = "EXISTS (SELECT 1 FROM jsonb_array_elements_text(y.labels) l WHERE lower(l) = ANY (?))";
        String sql = "SELECT y.outcome_id, y.merged_at, y.reverts::text, t.outcome_id, " + hotfix + ", y.mentions::text"
                + " FROM pr_fact y LEFT JOIN LATERAL (SELECT x.outcome_id FROM pr_fact x WHERE y.reverts_title IS NOT NULL"
                + " AND x.repository = y.repository AND x.title = y.reverts_title AND x.merged_at < y.merged_at"
                + " ORDER BY x.merged_at DESC LIMIT 1) t ON true"
                + " WHERE y.merged_at > ? AND (y.reverts <> '[]'::jsonb OR y.reverts_title IS NOT NULL OR " + hotfix
                + ")";
        List<ChangeFailures.Candidate> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", labels));
            ps.setObject(2, from.atOffset(ZoneOffset.UTC));
            ps.setArray(3, c.createArrayOf("text", labels));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ChangeFailures.Candidate(
                            rs.getString(1),
                            instant(rs, 2),
                            strings(rs.getString(3)),
                            rs.getString(4),
                            rs.getBoolean(5),
                            strings(rs.getString(6))));
                }
            }
        }
        return out;
    }

    /** Gateway calls of each of these people over the days {@code from..to} (any team they called for). */
    Map<UUID, Long> calls(Connection c, List<UUID> people, LocalDate from, LocalDate to) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        if (people.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT employee_id, sum(requests) FROM usage_daily"
                + " WHERE day BETWEEN ? AND ? AND employee_id = ANY (?) GROUP BY employee_id")) {
            ps.setObject(1, from);
            ps.setObject(2, to);
            ps.setArray(3, c.createArrayOf("uuid", people.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private List<String> strings(String s) {
        if (s == null) {
            return List.of();
        }
        try {
            return json.readValue(s, STRINGS);
        } catch (Exception e) {
            throw new IllegalStateException("pr_fact holds a list that is not a JSON array of strings: " + s, e);
        }
    }

    private static Instant instant(ResultSet rs, int i) throws SQLException {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Integer integer(ResultSet rs, int i) throws SQLException {
        int v = rs.getInt(i);
        return rs.wasNull() ? null : v;
    }
}
