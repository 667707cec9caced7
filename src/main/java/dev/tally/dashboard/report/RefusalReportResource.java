package dev.tally.dashboard.report;

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
import dev.tally.platform.Ids;
import dev.tally.platform.time.OrgCalendar;

/**
 * {@code GET /api/reports/refusals?from=&to=[&teamId=][&format=csv]}: calls the gateway refused, by
 * reason, per team, or per key and person of one team (see {@link RefusalReport}); periods as the
 * other reports take them. Scoped as the other reports ({@link Viewers}): one team's rows (keys and
 * people) need that team's detail; the rows of every team (a team and its total each, as the org page
 * shows them) any reader of reports.
 */
@Path("/api/reports/refusals")
@Blocking
public class RefusalReportResource {

    /** The JSON answer: the period, its rows and their total. */
    public record Answer(LocalDate from, LocalDate to, List<RefusalReport.Row> rows, long total) {}

    private final RefusalReport report;
    private final OrgCalendar calendar;
    private final Viewers viewers;

    public RefusalReportResource(RefusalReport report, OrgCalendar calendar, Viewers viewers) {
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
        viewers.current().requireReports();
        Period period = Period.parse(preset, from, to, calendar.today());
        UUID team = Ids.optional("teamId", teamId);
        if (team != null) {
            // one team's rows name its keys and people: that team's detail
            viewers.current().requireTeamDetail(team);
        } // without a team, a row a team and its total: what every reader of reports sees on the org page
        List<RefusalReport.Row> rows = report.rows(team, period.from(), period.to());
        if (CsvDownload.wanted(format)) {
            return CsvDownload.attachment(
                    "refusals-" + period.from() + "-" + period.to() + ".csv", RefusalReport.table(rows));
        }
        return Response.ok(
                        new Answer(period.from(), period.to(), rows, RefusalReport.total(rows)),
                        MediaType.APPLICATION_JSON)
                .build();
    }
}
