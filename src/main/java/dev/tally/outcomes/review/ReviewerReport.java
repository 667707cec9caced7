package dev.tally.outcomes.review;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.tally.dashboard.report.Report;
import dev.tally.events.OutcomeData;
import dev.tally.platform.time.OrgCalendar;

/**
 * Flagged and fixed AI review findings per team and reviewer, read from the {@code outcome} rollup
 * (the rows the aggregator wrote from the {@code bug_flagged} and {@code bug_caught} events, whose
 * attribution names the reviewer). A finding counts as flagged in the period it was raised and as
 * fixed in the period it was fixed (days of the organisation's time zone, {@code TALLY_TIMEZONE}, like
 * the other reports and the "bugs caught" beside this table). Bugs caught posted through
 * the API or a CSV name no reviewer and are not in this table.
 */
@ApplicationScoped
public class ReviewerReport {

    /**
     * One team × reviewer.
     *
     * @param team      the team's name; for a team id the {@code team} table does not hold, the unknown team's
     *                  ({@link Report.TeamInfo#unknown})
     * @param teamKnown false for a team id the {@code team} table does not hold: it has no team page
     */
    public record Row(
            UUID teamId,
            String team,
            String reviewer,
            String reviewerName,
            long flagged,
            long fixed,
            @JsonIgnore boolean teamKnown) {
        /** Fixed as a whole-number percentage of flagged, or null when nothing was flagged. */
        @JsonProperty
        public Long fixedPercent() {
            return flagged == 0 ? null : Math.round(100.0 * fixed / flagged);
        }
    }

    private static final String SQL = """
            SELECT o.team_id, t.name, substr(r.a, length('%1$s') + 1),
                   count(*) FILTER (WHERE o.kind = '%2$s'), count(*) FILTER (WHERE o.kind = '%3$s')
            FROM outcome o
            JOIN LATERAL (SELECT a FROM jsonb_array_elements_text(o.attribution) a WHERE a LIKE '%1$s%%' LIMIT 1) r ON true
            LEFT JOIN team t ON t.id = o.team_id
            WHERE o.kind IN ('%2$s', '%3$s') AND o.occurred_at >= ? AND o.occurred_at < ? %4$s
            GROUP BY 1, 2, 3 ORDER BY 2, 3""";

    private final DataSource dataSource;
    private final ReviewRules rules;
    private final OrgCalendar calendar;

    public ReviewerReport(DataSource dataSource, ReviewRules rules, OrgCalendar calendar) {
        this.dataSource = dataSource;
        this.rules = rules;
        this.calendar = calendar;
    }

    /** Rows of the days {@code from..to} (inclusive) for one team, or every team when {@code teamId} is null. */
    public List<Row> rows(UUID teamId, LocalDate from, LocalDate to) {
        String sql = SQL.formatted(
                ReviewRules.REVIEWER,
                OutcomeData.BUG_FLAGGED,
                OutcomeData.BUG_CAUGHT,
                teamId == null ? "" : "AND o.team_id = ?");
        List<Row> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, calendar.start(from).atOffset(ZoneOffset.UTC));
            ps.setObject(2, calendar.start(to.plusDays(1)).atOffset(ZoneOffset.UTC));
            if (teamId != null) {
                ps.setObject(3, teamId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(3);
                    String name = rules.reviewers().stream()
                            .filter(r -> r.key().equals(key))
                            .map(ReviewRules.Reviewer::name)
                            .findFirst()
                            .orElse(key);
                    UUID team = rs.getObject(1, UUID.class);
                    String teamName = rs.getString(2);
                    out.add(new Row(
                            team,
                            teamName != null
                                    ? teamName
                                    : Report.TeamInfo.unknown(team).name(),
                            key,
                            name,
                            rs.getLong(4),
                            rs.getLong(5),
                            teamName != null));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading AI review findings failed: " + e.getMessage(), e);
        }
        return out;
    }
}
