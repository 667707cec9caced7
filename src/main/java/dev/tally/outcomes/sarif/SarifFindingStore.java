package dev.tally.outcomes.sarif;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** The {@code sarif_finding} table: which finding ids Tally has counted before. */
@ApplicationScoped
public class SarifFindingStore {

    /** One finding of an upload. */
    public record Row(String id, String tool, String ruleId) {}

    private static final String RECORD = """
            INSERT INTO sarif_finding (id, repository, tool, rule_id, first_seen_at, last_seen_at)
            SELECT u.id, ?, u.tool, u.rule_id, ?, ? FROM unnest(?::text[], ?::text[], ?::text[]) AS u(id, tool, rule_id)
            ON CONFLICT (id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
            RETURNING id, xmax = 0""";

    private final DataSource dataSource;

    public SarifFindingStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Records the findings as seen at {@code at} and returns the ids that were not known before. One
     * statement (its rows locked until the caller's transaction ends), so two uploads of the same
     * file at once cannot both call a finding new.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Set<String> record(String repository, List<Row> rows, Instant at) {
        Set<String> fresh = new HashSet<>();
        if (rows.isEmpty()) {
            return fresh;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(RECORD)) {
            ps.setString(1, repository);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setArray(4, c.createArrayOf("text", rows.stream().map(Row::id).toArray()));
            ps.setArray(5, c.createArrayOf("text", rows.stream().map(Row::tool).toArray()));
            ps.setArray(
                    6, c.createArrayOf("text", rows.stream().map(Row::ruleId).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(2)) {
                        fresh.add(rs.getString(1));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("recording SARIF findings failed: " + e.getMessage(), e);
        }
        return fresh;
    }
}
