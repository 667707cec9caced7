package dev.tally.outcomes.review;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.dashboard.report.CsvDownload;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.Table;
import dev.tally.platform.Ids;
import dev.tally.platform.time.OrgCalendar;

/**
 * {@code GET /api/reports/reviewers?from=&to=[&teamId=][&format=csv]}: AI review findings flagged and
 * fixed per team and reviewer (see {@link ReviewerReport}); periods as the other reports take them.
 */
@Path("/api/reports/reviewers")
@Blocking
public class ReviewerReportResource {

    /** The JSON answer: the period and its rows. */
    public record Answer(LocalDate from, LocalDate to, List<ReviewerReport.Row> rows) {}

    private final ReviewerReport report;
    private final OrgCalendar calendar;
    private final Viewers viewers;

    public ReviewerReportResource(ReviewerReport report, OrgCalendar calendar, Viewers viewers) {
        this.report = report;
        this.calendar = calendar;
        this.viewers = viewers;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, "text/csv"})
    public Response get(
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("teamId") String teamId,
            @QueryParam("format") String format) {
        // counts per team and AI reviewer, no people: every reader of reports may see them
        viewers.current().requireReports();
        Period period = Period.parse(preset, from, to, calendar.today());
        UUID team = Ids.optional("teamId", teamId);
        List<ReviewerReport.Row> rows = report.rows(team, period.from(), period.to());
        if (CsvDownload.wanted(format)) {
            return CsvDownload.attachment("reviewers-" + period.from() + "-" + period.to() + ".csv", table(rows));
        }
        return Response.ok(new Answer(period.from(), period.to(), rows), MediaType.APPLICATION_JSON)
                .build();
    }

    static Table table(List<ReviewerReport.Row> rows) {
        List<Table.Column> cols = List.of(
                new Table.Column("Team id", "team_id", false, true),
                new Table.Column("Team", "team", false),
                new Table.Column("Reviewer", "reviewer", false),
                new Table.Column("Flagged", "flagged", true),
                new Table.Column("Fixed", "fixed", true));
        List<Table.Row> out = rows.stream()
                .map(r -> new Table.Row(
                        List.of(
                                Table.Cell.plain(r.teamId()),
                                Table.Cell.plain(r.team()),
                                Table.Cell.plain(r.reviewerName()),
                                Table.Cell.plain(r.flagged()),
                                Table.Cell.plain(r.fixed())),
                        ""))
                .toList();
        return new Table("reviewers", "AI reviewers", cols, out, null);
    }
}
