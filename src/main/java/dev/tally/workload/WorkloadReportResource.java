package dev.tally.workload;

import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.dashboard.report.CsvDownload;
import dev.tally.dashboard.report.Period;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.time.OrgCalendar;

/**
 * {@code GET /api/reports/workloads[?from=&to=|preset=][&teamId=]} (CSV tables: workloads, tiers, tools) and
 * {@code GET /api/reports/workloads/{name}} (CSV tables: runs, models, tools), as the other reports
 * take periods and {@code format=csv&table=}. docs/workloads.md. Every team's workloads, and a
 * workload's runs across teams, need a viewer who sees all teams; one team's, its detail.
 */
@Path("/api/reports/workloads")
@Blocking
public class WorkloadReportResource {

    private final WorkloadReportService reports;
    private final OrgCalendar calendar;
    private final Viewers viewers;

    public WorkloadReportResource(WorkloadReportService reports, OrgCalendar calendar, Viewers viewers) {
        this.reports = reports;
        this.calendar = calendar;
        this.viewers = viewers;
    }

    @GET
    public Response overview(
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("teamId") String teamId,
            @QueryParam("format") String format,
            @QueryParam("table") String table) {
        UUID team = Ids.optional("teamId", teamId);
        if (team != null) {
            viewers.current().requireTeamDetail(team);
        } else if (!(CsvDownload.wanted(format) && "tools".equals(table))) {
            viewers.current().requireAllTeams();
        } else {
            // the organisation's adoption by tool: totals per tool, which the org page shows every reader of reports
            viewers.current().requireReports();
        }
        Period period = Period.parse(preset, from, to, calendar.today());
        WorkloadReport.Overview o = reports.overview(period, team);
        if (CsvDownload.wanted(format)) {
            String t = table == null ? "workloads" : table;
            return CsvDownload.of(
                    "workloads",
                    period,
                    t,
                    switch (t) {
                        case "workloads" -> WorkloadTables.workloads(o.workloads());
                        case "tiers" -> WorkloadTables.tiers(o.workloads());
                        case "tools" -> WorkloadTables.tools(o.tools());
                        default ->
                            throw ApiException.badRequest("table: '" + t + "' is not one of workloads, tiers, tools");
                    });
        }
        return Response.ok(o, MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("{name}")
    public Response workload(
            @PathParam("name") String name,
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("format") String format,
            @QueryParam("table") String table) {
        viewers.current().requireAllTeams();
        Period period = Period.parse(preset, from, to, calendar.today());
        WorkloadReport.Detail d = reports.workload(name, period);
        if (CsvDownload.wanted(format)) {
            String t = table == null ? "runs" : table;
            return CsvDownload.of(
                    "workload-" + name,
                    period,
                    t,
                    switch (t) {
                        case "runs" -> WorkloadTables.runs(d.runs());
                        case "models" -> WorkloadTables.models(d.models());
                        case "tools" -> WorkloadTables.tools(d.tools());
                        default ->
                            throw ApiException.badRequest("table: '" + t + "' is not one of runs, models, tools");
                    });
        }
        return Response.ok(d, MediaType.APPLICATION_JSON).build();
    }
}
