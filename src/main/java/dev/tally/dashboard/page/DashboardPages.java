package dev.tally.dashboard.page;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Scope;
import dev.tally.access.Viewer;
import dev.tally.access.Viewers;
import dev.tally.access.page.Navs;
import dev.tally.alert.channel.DeliveryViews;
import dev.tally.budget.BudgetSections;
import dev.tally.dashboard.definition.Dashboard;
import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.delivery.DeliveryReport;
import dev.tally.dashboard.delivery.DeliveryService;
import dev.tally.dashboard.delivery.DeliveryView;
import dev.tally.dashboard.report.OperationsService;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.RefusalReport;
import dev.tally.dashboard.report.Report;
import dev.tally.dashboard.report.ReportService;
import dev.tally.dashboard.report.Table;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.outcomes.review.ReviewerReport;
import dev.tally.platform.ApiException;
import dev.tally.platform.Ids;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.cache.StampedCache;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.workload.WorkloadReportService;
import dev.tally.workload.WorkloadTables;

/**
 * The leadership pages, server-rendered (no JavaScript needed). Panels come from
 * {@code dashboards/*.yaml}; this class only picks the report and the template. Each page checks
 * the caller's {@link Viewer} before it reads: a team page only for a team lead of that team (or
 * leaders and admins), operations only for leaders and admins.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class DashboardPages {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance org(
                PageContext page,
                Report report,
                Dashboard dashboard,
                List<PanelView> panels,
                Glance glance,
                List<ReviewerReport.Row> reviewers,
                String reviewsAfter,
                DeliveryView delivery,
                List<RefusalReport.Row> refusals,
                Table tools,
                String toolsCsv);

        static native TemplateInstance team(
                PageContext page,
                Report report,
                Dashboard dashboard,
                List<PanelView> panels,
                List<ReviewerReport.Row> reviewers,
                String reviewsAfter,
                DeliveryView delivery,
                List<RefusalReport.Row> refusals,
                Table tools,
                String toolsCsv);

        static native TemplateInstance models(
                PageContext page, Report report, Dashboard dashboard, List<PanelView> panels);

        static native TemplateInstance operations(
                PageContext page, OperationsService.Status status, DeliveryViews.Log deliveries);
    }

    /**
     * The org page's one-line answer: which teams return more than they spend. {@code unsure}: value
     * above priced spend, but some calls unpriced, so no verdict either way ({@link Metrics#mayPayOff}).
     */
    public record Glance(
            List<Report.TeamInfo> paying,
            List<Report.TeamInfo> unsure,
            List<Report.TeamInfo> notPaying,
            int total,
            Metrics org) {
        public int payingCount() {
            return paying.size();
        }
    }

    private final ReportService reports;
    private final OperationsService operations;
    private final DashboardCatalog catalog;
    private final Roles roles;
    private final OrgCalendar calendar;
    private final ReviewerReport reviewers;
    private final WorkloadReportService workloads;
    private final RefusalReport refusals;
    private final BudgetSections budgets;

    /** Where the team page's budgets go (team.html). */
    static final String TEAM_BUDGETS = "<!--team-budgets-->";

    private final DeliveryService delivery;
    private final DeliveryViews alertDeliveries;

    /** Latest alert deliveries on the operations page. */
    static final int ALERT_DELIVERIES_SHOWN = 30;

    private final Viewers viewers;
    private final Navs navs;

    /** Pages rendered for a frame (page, period, banner…); each valid for the report and definitions it shows. */
    private final StampedCache<RenderKey, String> rendered = new StampedCache<>(500);

    private record RenderKey(String page, PageContext context) {}

    /**
     * What a rendered page shows: equal (the same figures, teams, panels, delivery, refused calls and AI
     * review findings) means the same HTML. Refused calls are not in the report: a batch of refusals alone
     * leaves it equal; so does a finding flagged but not fixed ({@code bug_flagged}: worth nothing, no count
     * column), which the review findings table counts.
     */
    private record Shown(
            Report report,
            Dashboard dashboard,
            DeliveryReport delivery,
            List<RefusalReport.Row> refusals,
            List<ReviewerReport.Row> reviews) {}

    /**
     * The delivery is part of what is shown: a revert merged after the period, or a late usage event
     * in the trend's earlier weeks, changes it without changing the period's report.
     */
    private String render(
            String name,
            PageContext page,
            Report report,
            Dashboard d,
            DeliveryReport delivery,
            List<RefusalReport.Row> refusals,
            List<ReviewerReport.Row> reviews,
            Supplier<TemplateInstance> template) {
        return rendered.get(
                new RenderKey(name, page),
                new Shown(report, d, delivery, refusals, reviews),
                () -> template.get().render());
    }

    public DashboardPages(
            ReportService reports,
            OperationsService operations,
            DashboardCatalog catalog,
            Roles roles,
            ReviewerReport reviewers,
            RefusalReport refusals,
            OrgCalendar calendar,
            DeliveryService delivery,
            DeliveryViews alertDeliveries,
            BudgetSections budgets,
            Viewers viewers,
            Navs navs,
            WorkloadReportService workloads) {
        this.calendar = calendar;
        this.workloads = workloads;
        this.refusals = refusals;
        this.budgets = budgets;
        this.alertDeliveries = alertDeliveries;
        this.reports = reports;
        this.delivery = delivery;
        this.reviewers = reviewers;
        this.operations = operations;
        this.catalog = catalog;
        this.roles = roles;
        this.viewers = viewers;
        this.navs = navs;
    }

    /** The org overview; a person without report access (an employee) lands on My usage instead. */
    @GET
    public Response org(
            @QueryParam("preset") String preset, @QueryParam("from") String from, @QueryParam("to") String to) {
        enabled();
        Viewer viewer = viewers.current();
        if (viewer.person() && !viewer.has(Scope.REPORTS_READ)) {
            return Response.seeOther(URI.create("/me")).build();
        }
        viewer.requireReports();
        Period period = Period.parse(preset, from, to, calendar.today());
        Report report = reports.org(period);
        Dashboard d = catalog.current().dashboard("org");
        PageContext page = page(d.title(), "org", "/", period, report.demoData());
        DeliveryReport measured = delivery.org(report);
        List<RefusalReport.Row> refused = refusals.rows(null, period.from(), period.to());
        List<ReviewerReport.Row> reviews = reviewers.rows(null, period.from(), period.to());
        return Response.ok(render(
                        "org",
                        page,
                        report,
                        d,
                        measured,
                        refused,
                        reviews,
                        () -> orgPage(
                                page,
                                report,
                                d,
                                reviews,
                                DeliveryView.of(
                                        measured,
                                        "the organisation's",
                                        "/api/reports/org" + page.query(),
                                        page.query(),
                                        delivery.config(),
                                        page.nav()::opensTeam),
                                refused,
                                tools(period, null))))
                .build();
    }

    /** Adoption by tool (docs/workloads.md), from the same rollup commit as the report in practice. */
    private Table tools(Period period, UUID team) {
        return WorkloadTables.tools(workloads.overview(period, team).tools());
    }

    private static TemplateInstance orgPage(
            PageContext page,
            Report report,
            Dashboard d,
            List<ReviewerReport.Row> reviewers,
            DeliveryView deliveryView,
            List<RefusalReport.Row> refused,
            Table tools) {
        List<Report.TeamInfo> paying = new ArrayList<>();
        List<Report.TeamInfo> unsure = new ArrayList<>();
        List<Report.TeamInfo> notPaying = new ArrayList<>();
        for (Report.TeamInfo t : report.teams()) {
            Metrics m = report.teamMetrics(t.id());
            if (m.paysOff()) {
                paying.add(t);
            } else if (m.mayPayOff()) {
                unsure.add(t);
            } else if (m.spendNanos() > 0) {
                notPaying.add(t);
            }
        }
        Comparator<Report.TeamInfo> bestFirst = Comparator.comparing(
                (Report.TeamInfo t) -> report.teamMetrics(t.id()).roiMultiple(), Comparator.reverseOrder());
        paying.sort(bestFirst);
        unsure.sort(bestFirst);
        // a team's name links to its page only for a viewer who may open it (a team lead: their own teams)
        List<PanelView> panels =
                PanelView.of(d, report, "/api/reports/org", page.query(), page.query(), page.nav()::opensTeam);
        return Templates.org(
                page,
                report,
                d,
                panels,
                new Glance(paying, unsure, notPaying, paying.size() + unsure.size() + notPaying.size(), report.total()),
                reviewers,
                reviewsAfter(panels),
                deliveryView,
                refused,
                tools,
                "/api/reports/workloads" + page.query() + "&format=csv&table=tools");
    }

    @GET
    @Path("teams/{id}")
    public String team(
            @PathParam("id") String id,
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to) {
        enabled();
        UUID teamId = Ids.required("id", id);
        viewers.current().requireTeamDetail(teamId);
        Period period = Period.parse(preset, from, to, calendar.today());
        Report report = reports.team(teamId, period);
        Dashboard d = catalog.current().dashboard("team");
        PageContext page = page(report.team().name(), "team", "/teams/" + teamId, period, report.demoData());
        String chartQuery = page.query() + "&team=" + teamId;
        DeliveryReport measured = delivery.team(report);
        List<RefusalReport.Row> refused = refusals.rows(teamId, period.from(), period.to());
        List<ReviewerReport.Row> reviews = reviewers.rows(teamId, period.from(), period.to());
        String html = render("team", page, report, d, measured, refused, reviews, () -> {
            List<PanelView> panels = PanelView.of(
                    d, report, "/api/reports/teams/" + teamId, chartQuery, page.query(), page.nav()::opensTeam);
            return Templates.team(
                    page,
                    report,
                    d,
                    panels,
                    reviews,
                    reviewsAfter(panels),
                    DeliveryView.of(
                            measured,
                            "this team's",
                            "/api/reports/teams/" + teamId + page.query(),
                            chartQuery,
                            delivery.config(),
                            page.nav()::opensTeam),
                    refused,
                    tools(period, teamId),
                    "/api/reports/workloads" + page.query() + "&teamId=" + teamId + "&format=csv&table=tools");
        });
        // budgets move with every call, not with the report the page is cached for: filled in after the cache
        return html.replace(
                TEAM_BUDGETS,
                budgets.team(teamId, page.nav().budgets(), page.nav().allTeams()));
    }

    /** The AI review findings follow the outcomes chart, or the last panel of a dashboard without one. */
    static String reviewsAfter(List<PanelView> panels) {
        return panels.stream()
                .map(v -> v.panel().id())
                .filter("outcomes"::equals)
                .findFirst()
                .orElse(
                        panels.isEmpty()
                                ? ""
                                : panels.get(panels.size() - 1).panel().id());
    }

    @GET
    @Path("models")
    public String models(
            @QueryParam("preset") String preset, @QueryParam("from") String from, @QueryParam("to") String to) {
        enabled();
        viewers.current().requireReports();
        Period period = Period.parse(preset, from, to, calendar.today());
        Report report = reports.org(period);
        Dashboard d = catalog.current().dashboard("models");
        PageContext page = page(d.title(), "models", "/models", period, report.demoData());
        return render(
                "models",
                page,
                report,
                d,
                null,
                List.of(),
                List.of(),
                () -> Templates.models(
                        page,
                        report,
                        d,
                        PanelView.of(
                                d, report, "/api/reports/models", page.query(), page.query(), page.nav()::opensTeam)));
    }

    @GET
    @Path("operations")
    public TemplateInstance operations() {
        enabled();
        viewers.current().requireAllTeams();
        Period period = Period.parse(null, null, null, calendar.today());
        PageContext page = page("Operations", "operations", "/operations", period, reports.demoData());
        return Templates.operations(page, operations.status(), alertDeliveries.log(ALERT_DELIVERIES_SHOWN));
    }

    private PageContext page(String title, String active, String path, Period period, boolean demo) {
        return PageContext.of(
                title, active, path, period, calendar, demo, catalog.lastError().orElse(null), navs.current());
    }

    private void enabled() {
        if (!roles.has(Role.DASHBOARD)) {
            throw ApiException.notFound("the dashboard role is not enabled on this instance (TALLY_ROLES)");
        }
    }
}
