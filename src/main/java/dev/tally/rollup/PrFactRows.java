package dev.tally.rollup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.PrFacts;

/**
 * Writes the facts of newly counted merged PRs to {@code pr_fact}, in the aggregator's transaction,
 * so a PR's facts are stored exactly when (and as often as) its outcome is counted: once.
 */
final class PrFactRows {

    private static final String INSERT =
            "INSERT INTO pr_fact (outcome_id, repository, number, title, author, opened_at,"
                    + " first_review_at, merged_at, additions, deletions, changed_files, commits, review_rounds, reviews_from,"
                    + " labels, merge_commit_sha, reverts, reverts_title, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                    + " ?, CAST(? AS jsonb), ?, CAST(? AS jsonb), ?, CAST(? AS jsonb)) ON CONFLICT (outcome_id) DO NOTHING";

    private PrFactRows() {}

    /** @param counted the ids of the outcomes this transaction counted (an outcome seen before keeps its facts) */
    static void insert(Connection c, Collection<OutcomeEvent> events, Set<String> counted, ObjectMapper json)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            int n = 0;
            for (OutcomeEvent e : events) {
                PrFacts pr = e.pr();
                if (pr == null || !counted.contains(e.id())) {
                    continue;
                }
                int i = 1;
                ps.setString(i++, e.id());
                ps.setString(i++, pr.repository().toLowerCase(Locale.ROOT));
                ps.setInt(i++, pr.number());
                ps.setString(i++, pr.title());
                ps.setString(i++, pr.author());
                time(ps, i++, pr.openedAt());
                time(ps, i++, pr.firstReviewAt());
                time(ps, i++, pr.mergedAt());
                integer(ps, i++, pr.additions());
                integer(ps, i++, pr.deletions());
                integer(ps, i++, pr.changedFiles());
                integer(ps, i++, pr.commits());
                integer(ps, i++, pr.reviewRounds());
                ps.setString(
                        i++, pr.reviews() == null ? null : pr.reviews().name().toLowerCase(Locale.ROOT));
                ps.setString(i++, json(json, pr.labels()));
                ps.setString(i++, pr.mergeCommitSha());
                ps.setString(i++, json(json, pr.reverts()));
                ps.setString(i++, pr.revertsTitle());
                ps.setString(i, json(json, pr.mentions()));
                ps.addBatch();
                n++;
            }
            if (n > 0) {
                ps.executeBatch();
            }
        }
    }

    private static void time(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            ps.setObject(i, t.atOffset(ZoneOffset.UTC));
        }
    }

    private static void integer(PreparedStatement ps, int i, Integer n) throws SQLException {
        if (n == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, n);
        }
    }

    private static String json(ObjectMapper json, List<String> values) {
        try {
            return json.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
