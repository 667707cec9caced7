package dev.tally.outcomes.sarif;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/**
 * The {@code sarif_finding} table: which finding ids Tally has counted before, with each one's
 * fingerprint and location, so that a later upload finds the id of a finding it can no longer
 * identify the same way (see {@link #known}).
 */
@ApplicationScoped
public class SarifFindingStore {

    /** One finding of an upload; {@code fingerprint} and {@code location} may be null. */
    public record Row(String id, String tool, String ruleId, String fingerprint, String location) {}

    /** What a result is looked up by: its tool, rule, fingerprint ({@code fp:…}) and location ({@code loc:…}). */
    public record Probe(String tool, String ruleId, String fingerprint, String location) {}

    // The latest fingerprint and location are kept: a finding a fingerprint follows to new lines is found
    // where it was last seen.
    private static final String RECORD = """
            INSERT INTO sarif_finding (id, repository, tool, rule_id, first_seen_at, last_seen_at, fingerprint, location)
            SELECT u.id, ?, u.tool, u.rule_id, ?, ?, u.fingerprint, u.location
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) AS u(id, tool, rule_id, fingerprint, location)
            ON CONFLICT (id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at,
                fingerprint = COALESCE(EXCLUDED.fingerprint, sarif_finding.fingerprint),
                location = COALESCE(EXCLUDED.location, sarif_finding.location)
            RETURNING id, xmax = 0""";

    private static final String KNOWN = """
            SELECT DISTINCT ON (u.i) u.i, f.id
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS u(tool, rule_id, fingerprint, location, i)
            JOIN sarif_finding f ON f.repository = ? AND f.tool = u.tool AND f.rule_id = u.rule_id
                AND f.fingerprint = u.fingerprint AND f.location = u.location
            ORDER BY u.i, f.first_seen_at, f.id""";

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
            ps.setArray(
                    7,
                    c.createArrayOf("text", rows.stream().map(Row::fingerprint).toArray()));
            ps.setArray(
                    8, c.createArrayOf("text", rows.stream().map(Row::location).toArray()));
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

    /**
     * The id under which a finding with the same tool, rule, fingerprint and location was counted
     * before, for each probe that has one (the oldest, should several). A fingerprint that identified a
     * finding on one upload may repeat at other locations on the next, where it identifies nothing; the
     * finding at the remembered location is then still the one counted before, and the reverse holds
     * for findings counted by location while their fingerprint repeated.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Map<Probe, String> known(String repository, List<Probe> probes) {
        Map<Probe, String> ids = new HashMap<>();
        if (probes.isEmpty()) {
            return ids;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(KNOWN)) {
            ps.setArray(
                    1, c.createArrayOf("text", probes.stream().map(Probe::tool).toArray()));
            ps.setArray(
                    2,
                    c.createArrayOf("text", probes.stream().map(Probe::ruleId).toArray()));
            ps.setArray(
                    3,
                    c.createArrayOf(
                            "text", probes.stream().map(Probe::fingerprint).toArray()));
            ps.setArray(
                    4,
                    c.createArrayOf("text", probes.stream().map(Probe::location).toArray()));
            ps.setString(5, repository);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.put(probes.get((int) rs.getLong(1) - 1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("looking up SARIF findings failed: " + e.getMessage(), e);
        }
        return ids;
    }
}
