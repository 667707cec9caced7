package dev.tally.dashboard.chart;

import java.util.UUID;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.dashboard.definition.Dashboard;
import dev.tally.dashboard.definition.Dashboard.Panel;
import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.Report;
import dev.tally.dashboard.report.ReportService;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/** A chart panel of any dashboard as PNG or SVG: {@code /charts/{dashboard}/{panel}.png?from=&to=&team=}. */
@Path("/charts/{dashboard}")
@Blocking
public class ChartResource {

    private final ChartRenderer renderer;
    private final ReportService reports;
    private final DashboardCatalog catalog;
    private final Roles roles;
    private final OrgCalendar calendar;
    private final Viewers viewers;

    public ChartResource(
            ChartRenderer renderer,
            ReportService reports,
            DashboardCatalog catalog,
            Roles roles,
            OrgCalendar calendar,
            Viewers viewers) {
        this.calendar = calendar;
        this.renderer = renderer;
        this.reports = reports;
        this.catalog = catalog;
        this.roles = roles;
        this.viewers = viewers;
    }

    @GET
    @Path("{panel}.png")
    @Produces("image/png")
    public Response png(
            @PathParam("dashboard") String dashboard,
            @PathParam("panel") String panel,
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("team") String team,
            @QueryParam("width") @DefaultValue("900") String widthParam,
            @QueryParam("height") @DefaultValue("300") String heightParam) {
        int width = ChartRenderer.size("width", widthParam);
        int height = ChartRenderer.size("height", heightParam);
        Target t = target(dashboard, panel, preset, from, to, team, width, height);
        return Response.ok(renderer.png(t.panel, t.report, width, height))
                .header("Cache-Control", "no-cache")
                .build();
    }

    @GET
    @Path("{panel}.svg")
    @Produces("image/svg+xml")
    public Response svg(
            @PathParam("dashboard") String dashboard,
            @PathParam("panel") String panel,
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("team") String team,
            @QueryParam("width") @DefaultValue("900") String widthParam,
            @QueryParam("height") @DefaultValue("300") String heightParam) {
        int width = ChartRenderer.size("width", widthParam);
        int height = ChartRenderer.size("height", heightParam);
        Target t = target(dashboard, panel, preset, from, to, team, width, height);
        return Response.ok(renderer.svg(t.panel, t.report, width, height))
                .header("Cache-Control", "no-cache")
                .build();
    }

    private record Target(Panel panel, Report report) {}

    private Target target(
            String dashboard,
            String panelId,
            String preset,
            String from,
            String to,
            String team,
            int width,
            int height) {
        if (!roles.has(Role.DASHBOARD)) {
            throw ApiException.notFound("the dashboard role is not enabled on this instance (TALLY_ROLES)");
        }
        ChartRenderer.checkSize(width, height);
        Dashboard d = catalog.current().dashboard(dashboard);
        if (d == null) {
            throw ApiException.notFound("dashboard '" + dashboard + "' is not defined in dashboards/");
        }
        Panel panel = d.panel(panelId)
                .orElseThrow(
                        () -> ApiException.notFound("panel '" + panelId + "' is not in dashboard '" + dashboard + "'"));
        if (!panel.isChart()) {
            throw ApiException.badRequest("panel: '" + panelId + "' is a " + panel.typeName() + " panel, not a chart");
        }
        Period period = Period.parse(preset, from, to, calendar.today());
        Report report;
        if (d.scope() == Dashboard.Scope.TEAM) {
            if (team == null || team.isBlank()) {
                throw ApiException.badRequest("team: the " + dashboard + " dashboard needs ?team=<team id>");
            }
            UUID id = Ids.required("team", team);
            viewers.current().requireTeamDetail(id);
            report = reports.team(id, period);
        } else {
            viewers.current().requireReports();
            report = reports.org(period);
        }
        return new Target(panel, report);
    }
}
