package dev.tally.dashboard.chart;

import java.util.UUID;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.dashboard.delivery.DeliveryReport;
import dev.tally.dashboard.delivery.DeliveryService;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.ReportService;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/**
 * The delivery trend chart of a team or the organisation:
 * {@code /charts/delivery/trend.png?from=&to=[&team=]} (or {@code .svg}); its data is the
 * {@code delivery_trend} CSV table of the same report.
 */
@Path("/charts/delivery")
@Blocking
public class DeliveryChartResource {

    private final ReportService reports;
    private final DeliveryService delivery;
    private final Roles roles;
    private final OrgCalendar calendar;
    private final Viewers viewers;

    public DeliveryChartResource(
            ReportService reports, DeliveryService delivery, Roles roles, OrgCalendar calendar, Viewers viewers) {
        this.calendar = calendar;
        this.viewers = viewers;
        this.reports = reports;
        this.delivery = delivery;
        this.roles = roles;
    }

    @GET
    @Path("trend.png")
    @Produces("image/png")
    public Response png(
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("team") String team,
            @QueryParam("width") @DefaultValue("900") String widthParam,
            @QueryParam("height") @DefaultValue("420") String heightParam) {
        int width = ChartRenderer.size("width", widthParam);
        int height = ChartRenderer.size("height", heightParam);
        ChartRenderer.checkSize(width, height);
        return Response.ok(ChartRenderer.png(
                        DeliveryChart.trend(report(preset, from, to, team).trend()), width, height))
                .header("Cache-Control", "no-cache")
                .build();
    }

    @GET
    @Path("trend.svg")
    @Produces("image/svg+xml")
    public Response svg(
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("team") String team,
            @QueryParam("width") @DefaultValue("900") String widthParam,
            @QueryParam("height") @DefaultValue("420") String heightParam) {
        int width = ChartRenderer.size("width", widthParam);
        int height = ChartRenderer.size("height", heightParam);
        ChartRenderer.checkSize(width, height);
        return Response.ok(ChartRenderer.svg(
                        DeliveryChart.trend(report(preset, from, to, team).trend()), width, height))
                .header("Cache-Control", "no-cache")
                .build();
    }

    private DeliveryReport report(String preset, String from, String to, String team) {
        if (!roles.has(Role.DASHBOARD)) {
            throw ApiException.notFound("the dashboard role is not enabled on this instance (TALLY_ROLES)");
        }
        Period period = Period.parse(preset, from, to, calendar.today());
        if (team == null || team.isBlank()) {
            viewers.current().requireReports();
            return delivery.org(reports.org(period));
        }
        UUID id = Ids.required("team", team);
        // a team's chart is that team's detail, as on its page (Viewer)
        viewers.current().requireTeamDetail(id);
        return delivery.team(reports.team(id, period));
    }
}
