package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonIgnore;

import io.quarkus.qute.TemplateData;

import dev.tally.gateway.admission.RefusalReason;

/**
 * Calls the gateway refused, by reason, from {@code refusal_team_day} (written by the aggregator from
 * the usage events with {@code outcome=rejected}): per team for the org, per key and its person for
 * one team. Only calls with a key Tally knows are here (revoked, expired, not allowed, no route,
 * rate-limited, too large, bad request); a call without one is counted in the gateway's
 * {@code tally_gateway_unauthenticated_total} metric, as it belongs to no team. Days are the
 * organisation's, like the other reports.
 */
@ApplicationScoped
public class RefusalReport {

    /**
     * One team × reason (org) or key × reason (team).
     *
     * @param team   the team's name; for a team id the {@code team} table does not hold, the unknown team's
     *               ({@link Report.TeamInfo#unknown})
     * @param keyId  null in the org's rows
     * @param key    the key's name, or its prefix when it has none; null in the org's rows
     * @param person the key's owner; null in the org's rows
     * @param teamKnown false for a team id the {@code team} table does not hold: it has no team page
     */
    @TemplateData
    public record Row(
            UUID teamId,
            String team,
            String reason,
            String reasonLabel,
            UUID keyId,
            String key,
            String person,
            long requests,
            @JsonIgnore boolean teamKnown) {}

    private static final String BY_TEAM = """
            SELECT r.team_id, t.name, r.reason, NULL::uuid, NULL, NULL, sum(r.requests)
            FROM refusal_team_day r LEFT JOIN team t ON t.id = r.team_id
            WHERE r.day BETWEEN ? AND ?
            GROUP BY 1, 2, 3 ORDER BY 7 DESC, 2, 3""";

    private static final String BY_KEY = """
            SELECT r.team_id, t.name, r.reason, r.key_id, coalesce(k.name, k.prefix), e.name, sum(r.requests)
            FROM refusal_team_day r LEFT JOIN team t ON t.id = r.team_id
            LEFT JOIN api_key k ON k.id = r.key_id LEFT JOIN employee e ON e.id = k.employee_id
            WHERE r.day BETWEEN ? AND ? AND r.team_id = ?
            GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 7 DESC, 3, 6""";

    private final DataSource dataSource;

    public RefusalReport(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Days {@code from..to} (inclusive): per key of one team, or per team when {@code teamId} is null. */
    public List<Row> rows(UUID teamId, LocalDate from, LocalDate to) {
        List<Row> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(teamId == null ? BY_TEAM : BY_KEY)) {
            ps.setObject(1, from);
            ps.setObject(2, to);
            if (teamId != null) {
                ps.setObject(3, teamId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String reason = rs.getString(3);
                    UUID team = rs.getObject(1, UUID.class);
                    String name = rs.getString(2);
                    out.add(new Row(
                            team,
                            name != null ? name : Report.TeamInfo.unknown(team).name(),
                            reason,
                            RefusalReason.labelOf(reason),
                            rs.getObject(4, UUID.class),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getLong(7),
                            name != null));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading refused calls failed: " + e.getMessage(), e);
        }
        return out;
    }

    /** The rows' total. */
    public static long total(List<Row> rows) {
        return rows.stream().mapToLong(Row::requests).sum();
    }

    /** The rows as the CSV carries them: ids and the reason's event value beside the names. */
    public static Table table(List<Row> rows) {
        List<Table.Column> cols = List.of(
                new Table.Column("Team id", "team_id", false, true),
                new Table.Column("Team", "team", false),
                new Table.Column("Reason", "reason", false),
                new Table.Column("Key id", "key_id", false, true),
                new Table.Column("Key", "key", false),
                new Table.Column("Person", "person", false),
                new Table.Column("Refused calls", "refused_calls", true));
        List<Table.Row> out = rows.stream()
                .map(r -> new Table.Row(
                        List.of(
                                Table.Cell.plain(r.teamId()),
                                Table.Cell.plain(r.team()),
                                Table.Cell.of(r.reasonLabel(), r.reason()),
                                Table.Cell.plain(r.keyId()),
                                Table.Cell.plain(r.key()),
                                Table.Cell.plain(r.person()),
                                Table.Cell.plain(r.requests())),
                        ""))
                .toList();
        return new Table(
                "refusals",
                "Refused calls",
                cols,
                out,
                new Table.Row(
                        List.of(
                                Table.Cell.of("TOTAL", "TOTAL"),
                                Table.Cell.plain(null),
                                Table.Cell.plain(null),
                                Table.Cell.plain(null),
                                Table.Cell.plain(null),
                                Table.Cell.plain(null),
                                Table.Cell.plain(total(rows))),
                        ""));
    }
}
