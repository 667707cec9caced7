package dev.tally.dashboard.report;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.dashboard.definition.Dashboard;
import dev.tally.dashboard.definition.Dashboard.Grouping;
import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.delivery.DeliveryJson;
import dev.tally.dashboard.delivery.DeliveryReport;
import dev.tally.dashboard.delivery.DeliveryService;
import dev.tally.dashboard.delivery.DeliveryTables;
import dev.tally.dashboard.page.PanelView;
import dev.tally.dashboard.roi.Metric;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/**
 * Reports as JSON, and every table as CSV with {@code ?format=csv&table=<name>}. Periods:
 * {@code from}/{@code to} ISO dates, both inclusive (days of the organisation's time zone, TALLY_TIMEZONE), or {@code preset} = 7d, 30d, 90d, mtd;
 * default the last 30 days. Table names: the built-in ones listed per report, or any panel id of
 * the matching dashboard in {@code dashboards/}. Scoped to the caller ({@link Viewers}): org-level
 * reports (totals per team, no people) need reports access; a team's report needs that team's
 * detail (a team lead's own teams, or a leader, admin or reports:read token).
 */
@Path("/api/reports")
@Blocking
public class ReportResource {

    private static final List<Metric> ALL = Arrays.asList(Metric.values());
    private static final List<Metric> USAGE = List.of(
            Metric.SPEND,
            Metric.REQUESTS,
            Metric.ERROR_REQUESTS,
            Metric.INPUT_TOKENS,
            Metric.OUTPUT_TOKENS,
            Metric.CACHE_READ_TOKENS,
            Metric.CACHE_WRITE_TOKENS,
            Metric.REASONING_TOKENS,
            Metric.TOKENS,
            Metric.CACHE_READ_SHARE,
            Metric.UNPRICED_REQUESTS,
            Metric.UNPRICED_TOKENS);

    private final ReportService reports;
    private final OperationsService operations;
    private final DashboardCatalog catalog;
    private final Roles roles;
    private final OrgCalendar calendar;
    private final DeliveryService delivery;
    private final Viewers viewers;

    public ReportResource(
            ReportService reports,
            OperationsService operations,
            DashboardCatalog catalog,
            Roles roles,
            OrgCalendar calendar,
            DeliveryService delivery,
            Viewers viewers) {
        this.reports = reports;
        this.calendar = calendar;
        this.delivery = delivery;
        this.operations = operations;
        this.catalog = catalog;
        this.roles = roles;
        this.viewers = viewers;
    }

    /**
     * Org totals, per team, per department, per day, per model, and delivery. CSV tables: kpis, teams,
     * departments, daily, models, delivery, delivery_cohorts, delivery_trend, delivery_teams.
     */
    @GET
    @Path("org")
    public Response org(
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("format") String format,
            @QueryParam("table") String table) {
        Report r = reports.org(period(preset, from, to));
        if (csv(format)) {
            return csv(
                    "org",
                    r,
                    table == null ? "teams" : table,
                    switch (table == null ? "teams" : table) {
                        case "kpis" -> Tables.kpis("kpis", "Org", r, ALL);
                        case "teams" -> Tables.table("teams", "Teams", r, Grouping.TEAM, ALL, "");
                        case "departments" ->
                            Tables.table("departments", "Departments", r, Grouping.DEPARTMENT, ALL, "");
                        case "daily" -> Tables.daily("daily", "Daily", r, ALL);
                        case "models" -> Tables.table("models", "Models", r, Grouping.MODEL, USAGE, "");
                        default -> deliveryOrPanel("org", table, r, true, "kpis, teams, departments, daily, models");
                    });
        }
        return json(withDelivery(ReportJson.org(r), delivery.org(r)));
    }

    /** Every team with its metrics, previous-period metrics and changes. CSV table: teams. */
    @GET
    @Path("teams")
    public Response teams(
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("format") String format) {
        Report r = reports.org(period(preset, from, to));
        if (csv(format)) {
            return csv("teams", r, "teams", Tables.table("teams", "Teams", r, Grouping.TEAM, ALL, ""));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("period", ReportJson.period(r.period()));
        out.put("previousPeriod", ReportJson.period(r.previousPeriod()));
        out.put("demoData", r.demoData());
        out.put("totals", ReportJson.metrics(r.total()));
        out.put("teams", ReportJson.teams(r));
        return json(out);
    }

    /**
     * One team, with its delivery. CSV tables: kpis, daily, models, employees, merged_prs, delivery,
     * delivery_cohorts, delivery_trend, delivery_prs.
     */
    @GET
    @Path("teams/{id}")
    public Response team(
            @PathParam("id") String id,
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("format") String format,
            @QueryParam("table") String table) {
        UUID teamId = Ids.required("id", id);
        viewers.current().requireTeamDetail(teamId);
        Report r = reports.team(teamId, period(preset, from, to));
        if (csv(format)) {
            String t = table == null ? "employees" : table;
            return csv(
                    "team-" + r.team().name(),
                    r,
                    t,
                    switch (t) {
                        case "kpis" -> Tables.kpis("kpis", "Team", r, ALL);
                        case "daily" -> Tables.daily("daily", "Daily", r, ALL);
                        case "models" -> Tables.table("models", "Models", r, Grouping.MODEL, USAGE, "");
                        case "employees" -> Tables.table("employees", "People", r, Grouping.EMPLOYEE, USAGE, "");
                        case "merged_prs" ->
                            Tables.table("merged_prs", "Merged PRs", r, Grouping.MERGED_PRS, List.of(), "");
                        default -> deliveryOrPanel("team", t, r, false, "kpis, daily, models, employees, merged_prs");
                    });
        }
        return json(withDelivery(ReportJson.team(r), delivery.team(r)));
    }

    /** Spend and tokens by model, org-wide. CSV table: models. */
    @GET
    @Path("models")
    public Response models(
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("format") String format,
            @QueryParam("table") String table) {
        Report r = reports.org(period(preset, from, to));
        if (csv(format)) {
            String t = table == null ? "models" : table;
            return csv(
                    "models",
                    r,
                    t,
                    "models".equals(t)
                            ? Tables.table("models", "Models", r, Grouping.MODEL, USAGE, "")
                            : panelTable("models", t, r, "models"));
        }
        return json(ReportJson.models(r, true));
    }

    /** Pipeline lag, DLQ, spool gauges, dashboard-definition errors. */
    @GET
    @Path("operations")
    public Response operations() {
        enabled();
        viewers.current().requireAllTeams();
        return json(operations.status());
    }

    /** Every report reads through here: the caller must be allowed reports at all (team checks come on top). */
    private Period period(String preset, String from, String to) {
        enabled();
        viewers.current().requireReports();
        return Period.parse(preset, from, to, calendar.today());
    }

    private void enabled() {
        if (!roles.has(Role.DASHBOARD)) {
            throw ApiException.notFound("the dashboard role is not enabled on this instance (TALLY_ROLES)");
        }
    }

    /** A delivery table (docs/measured-return.md), else a panel of the dashboard. */
    private Table deliveryOrPanel(String dashboard, String table, Report r, boolean org, String builtIn) {
        if (table.startsWith(DeliveryTables.METRICS)) {
            Table t = DeliveryTables.named(table, org ? delivery.org(r) : delivery.team(r), org);
            if (t != null) {
                return t;
            }
        }
        return panelTable(dashboard, table, r, builtIn + ", " + DeliveryTables.names(org));
    }

    private static Map<String, Object> withDelivery(Map<String, Object> body, DeliveryReport d) {
        body.put("delivery", DeliveryJson.delivery(d));
        body.put("deliveryDetail", DeliveryJson.detail(d));
        return body;
    }

    private Table panelTable(String dashboard, String table, Report r, String builtIn) {
        Dashboard d = catalog.current().dashboard(dashboard);
        return d.panel(table)
                .map(p -> PanelView.table(p, r, ""))
                .orElseThrow(() -> ApiException.badRequest("table: '" + table + "' is not one of " + builtIn
                        + " or a panel id of dashboards/" + dashboard + ".yaml"));
    }

    private static boolean csv(String format) {
        return CsvDownload.wanted(format);
    }

    private static Response csv(String name, Report r, String table, Table t) {
        return CsvDownload.of(name, r.period(), table, t);
    }

    private static Response json(Object body) {
        return Response.ok(body, MediaType.APPLICATION_JSON).build();
    }
}
