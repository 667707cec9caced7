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
import dev.tally.dashboard.report.Period;
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
        if ("csv".equalsIgnoreCase(format)) {
            StringBuilder csv = new StringBuilder("team_id,team,reviewer,flagged,fixed\r\n");
            for (ReviewerReport.Row r : rows) {
                csv.append(r.teamId())
                        .append(',')
                        .append(cell(r.team()))
                        .append(',')
                        .append(cell(r.reviewerName()))
                        .append(',')
                        .append(r.flagged())
                        .append(',')
                        .append(r.fixed())
                        .append("\r\n");
            }
            return Response.ok(csv.toString(), "text/csv; charset=utf-8")
                    .header(
                            "Content-Disposition",
                            "attachment; filename=\"reviewers-" + period.from() + "-" + period.to() + ".csv\"")
                    .build();
        }
        return Response.ok(new Answer(period.from(), period.to(), rows), MediaType.APPLICATION_JSON)
                .build();
    }

    /** RFC 4180 quoting, and a leading formula character neutralised so a spreadsheet shows it as text. */
    static String cell(String s) {
        if (s == null) {
            return "";
        }
        String v = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")
                ? "\"" + v.replace("\"", "\"\"") + "\""
                : v;
    }
}
