package dev.tally.outcomes.review;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The {@code review_finding} table: each AI finding once, and its fix once; and {@code review_push}, each PR's latest push. */
@ApplicationScoped
public class ReviewFindingStore {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final String COLUMNS =
            "comment_id, repository, pr_number, reviewer, login, team_id, employee_id, path,"
                    + " start_line, end_line, side, commit_id, severity, evidence::text, url, flagged_at, fixed_at, fixed_by, fixed_ref";

    private final DataSource dataSource;
    private final ObjectMapper json;

    public ReviewFindingStore(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    /** Records a flagged finding unless its comment is recorded already; returns the stored row. */
    @Transactional
    public ReviewFinding flag(ReviewFinding f) {
        String evidence;
        try {
            evidence = json.writeValueAsString(f.evidence());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        update(
                "INSERT INTO review_finding (comment_id, repository, pr_number, reviewer, login, team_id,"
                        + " employee_id, path, start_line, end_line, side, commit_id, severity, evidence, url, flagged_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?)"
                        + " ON CONFLICT (comment_id) DO NOTHING",
                f.commentId(),
                f.repository(),
                f.prNumber(),
                f.reviewer(),
                f.login(),
                f.teamId(),
                nullable(f.employeeId(), Types.OTHER),
                nullable(f.path(), Types.VARCHAR),
                nullable(f.startLine(), Types.INTEGER),
                nullable(f.endLine(), Types.INTEGER),
                nullable(f.side(), Types.VARCHAR),
                nullable(f.commitId(), Types.VARCHAR),
                nullable(f.severity(), Types.VARCHAR),
                evidence,
                nullable(f.url(), Types.VARCHAR),
                Timestamp.from(f.flaggedAt()));
        return get(f.commentId()).orElseThrow();
    }

    /** Marks it fixed unless it already is (the first fix counts); returns the stored row. */
    @Transactional
    public Optional<ReviewFinding> fix(long commentId, Instant at, ReviewFinding.FixedBy by, String ref) {
        update(
                "UPDATE review_finding SET fixed_at = ?, fixed_by = ?, fixed_ref = ? WHERE comment_id = ? AND fixed_at IS NULL",
                Timestamp.from(at),
                by.key(),
                nullable(ref, Types.VARCHAR),
                commentId);
        return get(commentId);
    }

    @Transactional
    public Optional<ReviewFinding> get(long commentId) {
        List<ReviewFinding> rows = query("SELECT " + COLUMNS + " FROM review_finding WHERE comment_id = ?", commentId);
        return rows.stream().findFirst();
    }

    /** The open findings of a pull request, oldest first. */
    @Transactional
    public List<ReviewFinding> open(String repository, int prNumber) {
        return query(
                "SELECT " + COLUMNS + " FROM review_finding WHERE repository = ? AND pr_number = ?"
                        + " AND fixed_at IS NULL ORDER BY flagged_at, comment_id",
                repository,
                prNumber);
    }

    /** Whether a pull request has open findings (a push to it is then worth comparing). */
    @Transactional
    public boolean hasOpen(String repository, int prNumber) {
        return !query(
                        "SELECT " + COLUMNS + " FROM review_finding WHERE repository = ? AND pr_number = ?"
                                + " AND fixed_at IS NULL LIMIT 1",
                        repository,
                        prNumber)
                .isEmpty();
    }

    /** The findings of a pull request that this commit was the fix of. */
    @Transactional
    public List<ReviewFinding> fixedBy(String repository, int prNumber, String ref) {
        return query(
                "SELECT " + COLUMNS + " FROM review_finding WHERE repository = ? AND pr_number = ?"
                        + " AND fixed_ref = ? ORDER BY comment_id",
                repository,
                prNumber,
                ref);
    }

    /** The latest push to a pull request: the head it moved to, and when. */
    public record Push(String head, Instant at) {}

    /** Remembers a push to a pull request unless a later one is remembered already. */
    @Transactional
    public void pushed(String repository, int prNumber, String head, Instant at) {
        update(
                "INSERT INTO review_push (repository, pr_number, head, pushed_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (repository, pr_number) DO UPDATE SET head = EXCLUDED.head,"
                        + " pushed_at = EXCLUDED.pushed_at WHERE EXCLUDED.pushed_at >= review_push.pushed_at",
                repository,
                prNumber,
                head,
                Timestamp.from(at));
    }

    /** The latest push remembered for a pull request. */
    @Transactional
    public Optional<Push> lastPush(String repository, int prNumber) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT head, pushed_at FROM review_push WHERE repository = ? AND pr_number = ?")) {
            bind(ps, repository, prNumber);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Push(rs.getString(1), instant(rs.getObject(2, OffsetDateTime.class))))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("review_push: " + e.getMessage(), e);
        }
    }

    /** A null of a known SQL type, so the driver need not guess it. */
    private record Null(Object value, int type) {}

    private static Object nullable(Object value, int type) {
        return value == null ? new Null(null, type) : value;
    }

    private static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Null n) {
                ps.setNull(i + 1, n.type());
            } else {
                ps.setObject(i + 1, args[i]);
            }
        }
    }

    private void update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("review_finding: " + e.getMessage(), e);
        }
    }

    private List<ReviewFinding> query(String sql, Object... args) {
        List<ReviewFinding> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("review_finding: " + e.getMessage(), e);
        }
        return out;
    }

    private ReviewFinding row(ResultSet rs) throws SQLException {
        List<String> evidence;
        try {
            evidence = json.readValue(rs.getString(14), STRINGS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("review_finding " + rs.getLong(1) + ": evidence is not a JSON list", e);
        }
        String fixedBy = rs.getString(18);
        return new ReviewFinding(
                rs.getLong(1),
                rs.getString(2),
                rs.getInt(3),
                rs.getString(4),
                rs.getString(5),
                rs.getObject(6, UUID.class),
                rs.getObject(7, UUID.class),
                rs.getString(8),
                integer(rs.getObject(9)),
                integer(rs.getObject(10)),
                rs.getString(11),
                rs.getString(12),
                rs.getString(13),
                evidence,
                rs.getString(15),
                instant(rs.getObject(16, OffsetDateTime.class)),
                instant(rs.getObject(17, OffsetDateTime.class)),
                fixedBy == null ? null : ReviewFinding.FixedBy.valueOf(fixedBy.toUpperCase(Locale.ROOT)),
                rs.getString(19));
    }

    private static Integer integer(Object o) {
        return o == null ? null : ((Number) o).intValue();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
