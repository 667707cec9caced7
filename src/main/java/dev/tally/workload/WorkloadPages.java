package dev.tally.workload;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.access.page.Navs;
import dev.tally.dashboard.page.PageContext;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.ReportService;
import dev.tally.dashboard.report.Table;
import dev.tally.platform.ApiException;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/**
 * The Workloads page and a page per workload (its runs), from the workloads report. Both span every
 * team: for viewers who see all teams (a team lead sees their team's tools on the team page).
 */
@Path("/workloads")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class WorkloadPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(
                PageContext page,
                WorkloadReport.Overview overview,
                Table workloads,
                String csvWorkloads,
                Table tiers,
                String csvTiers,
                Table tools,
                String csvTools);

        static native TemplateInstance workload(
                PageContext page,
                WorkloadReport.Detail detail,
                String spend,
                String costPerBug,
                String value,
                Table runs,
                String csvRuns,
                Table models,
                String csvModels,
                Table tiers,
                String csvTiers,
                Table tools,
                String csvTools);
    }

    private final WorkloadReportService reports;
    private final ReportService dashboards;
    private final Roles roles;
    private final OrgCalendar calendar;
    private final Viewers viewers;
    private final Navs navs;

    public WorkloadPages(
            WorkloadReportService reports,
            ReportService dashboards,
            Roles roles,
            OrgCalendar calendar,
            Viewers viewers,
            Navs navs) {
        this.reports = reports;
        this.dashboards = dashboards;
        this.roles = roles;
        this.calendar = calendar;
        this.viewers = viewers;
        this.navs = navs;
    }

    @GET
    public TemplateInstance list(
            @QueryParam("preset") String preset, @QueryParam("from") String from, @QueryParam("to") String to) {
        Period period = period(preset, from, to);
        PageContext page = PageContext.of(
                "Workloads", "workloads", "/workloads", period, calendar, dashboards.demoData(), null, navs.current());
        WorkloadReport.Overview o = reports.overview(period, null);
        String csv = "/api/reports/workloads" + page.query() + "&format=csv&table=";
        return Templates.list(
                page,
                o,
                WorkloadTables.workloads(o.workloads()),
                csv + "workloads",
                WorkloadTables.tiers(o.workloads()),
                csv + "tiers",
                WorkloadTables.tools(o.tools()),
                csv + "tools");
    }

    @GET
    @Path("{name}")
    public TemplateInstance workload(
            @PathParam("name") String name,
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to) {
        Period period = period(preset, from, to);
        WorkloadReport.Detail d = reports.workload(name, period);
        PageContext page = PageContext.of(
                name, "workloads", "/workloads/" + name, period, calendar, dashboards.demoData(), null, navs.current());
        String csv = "/api/reports/workloads/" + name + page.query() + "&format=csv&table=";
        // the tiers of this one workload are a row of the overview's table: its CSV is the overview's
        String csvTiers = "/api/reports/workloads" + page.query() + "&format=csv&table=tiers";
        return Templates.workload(
                page,
                d,
                WorkloadTables.usd(d.workload().usage().costNanos()),
                d.workload().costPerBugCaughtNanos() == null
                        ? null
                        : WorkloadTables.usd(d.workload().costPerBugCaughtNanos()),
                WorkloadTables.usd(d.workload().valueNanos()),
                WorkloadTables.runs(d.runs()),
                csv + "runs",
                WorkloadTables.models(d.models()),
                csv + "models",
                WorkloadTables.tiers(List.of(d.workload())),
                csvTiers,
                WorkloadTables.tools(d.tools()),
                csv + "tools");
    }

    private Period period(String preset, String from, String to) {
        if (!roles.has(Role.DASHBOARD)) {
            throw ApiException.notFound("the dashboard role is not enabled on this instance (TALLY_ROLES)");
        }
        viewers.current().requireAllTeams();
        return Period.parse(preset, from, to, calendar.today());
    }
}
