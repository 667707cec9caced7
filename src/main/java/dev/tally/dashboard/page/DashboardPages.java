package dev.tally.dashboard.page;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

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
import dev.tally.dashboard.definition.Dashboard;
import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.report.OperationsService;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.Report;
import dev.tally.dashboard.report.ReportService;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.platform.ApiException;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;

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
        static native TemplateInstance org(PageContext page, Report report, Dashboard dashboard, List<PanelView> panels,
                Glance glance);

        static native TemplateInstance team(PageContext page, Report report, Dashboard dashboard, List<PanelView> panels);

        static native TemplateInstance models(PageContext page, Report report, Dashboard dashboard, List<PanelView> panels);

        static native TemplateInstance operations(PageContext page, OperationsService.Status status);
    }

    /** The org page's one-line answer: which teams return more than they spend. */
    public record Glance(List<Report.TeamInfo> paying, List<Report.TeamInfo> notPaying, int total, Metrics org) {
        public int payingCount() {
            return paying.size();
        }
    }

    private final ReportService reports;
    private final OperationsService operations;
    private final DashboardCatalog catalog;
    private final Roles roles;
    private final Viewers viewers;
    private final Navs navs;
    private final Clock clock = Clock.systemUTC();

    /**
     * Rendered pages, reused only while the report cache hands out the very same report instance
     * (so the data is unchanged, see ReportCache) with the same dashboard definitions and frame.
     */
    private record Rendered(Report report, Dashboard dashboard, String html) {
    }

    private record RenderKey(String page, PageContext context) {
    }

    private final java.util.concurrent.ConcurrentHashMap<RenderKey, Rendered> rendered = new java.util.concurrent.ConcurrentHashMap<>();

    private String render(String name, PageContext page, Report report, Dashboard d,
            java.util.function.Supplier<TemplateInstance> template) {
        RenderKey key = new RenderKey(name, page);
        Rendered r = rendered.get(key);
        if (r != null && r.report() == report && r.dashboard() == d) {
            return r.html();
        }
        String html = template.get().render();
        if (rendered.size() >= 512) {
            rendered.clear();
        }
        rendered.put(key, new Rendered(report, d, html));
        return html;
    }

    public DashboardPages(ReportService reports, OperationsService operations, DashboardCatalog catalog, Roles roles,
            Viewers viewers, Navs navs) {
        this.reports = reports;
        this.operations = operations;
        this.catalog = catalog;
        this.roles = roles;
        this.viewers = viewers;
        this.navs = navs;
    }

    /** The org overview; a person without report access (an employee) lands on My usage instead. */
    @GET
    public Response org(@QueryParam("preset") String preset, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        enabled();
        Viewer viewer = viewers.current();
        if (viewer.person() && !viewer.has(Scope.REPORTS_READ)) {
            return Response.seeOther(URI.create("/me")).build();
        }
        viewer.requireReports();
        Period period = Period.parse(preset, from, to, clock);
        Report report = reports.org(period);
        Dashboard d = catalog.current().dashboard("org");
        PageContext page = page(d.title(), "org", "/", period, report.demoData());
        return Response.ok(render("org", page, report, d, () -> orgPage(page, report, d))).build();
    }

    private static TemplateInstance orgPage(PageContext page, Report report, Dashboard d) {
        List<Report.TeamInfo> paying = new ArrayList<>();
        List<Report.TeamInfo> notPaying = new ArrayList<>();
        for (Report.TeamInfo t : report.teams()) {
            Metrics m = report.teamMetrics(t.id());
            if (m.paysOff()) {
                paying.add(t);
            } else if (m.spendNanos() > 0) {
                notPaying.add(t);
            }
        }
        paying.sort((a, b) -> report.teamMetrics(b.id()).roiMultiple().compareTo(report.teamMetrics(a.id()).roiMultiple()));
        return Templates.org(page, report, d,
                PanelView.of(d, report, "/api/reports/org", page.query(), page.query()),
                new Glance(paying, notPaying, paying.size() + notPaying.size(), report.total()));
    }

    @GET
    @Path("teams/{id}")
    public String team(@PathParam("id") String id, @QueryParam("preset") String preset,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        enabled();
        UUID teamId = teamId(id);
        viewers.current().requireTeamDetail(teamId);
        Period period = Period.parse(preset, from, to, clock);
        Report report = reports.team(teamId, period);
        Dashboard d = catalog.current().dashboard("team");
        PageContext page = page(report.team().name(), "team", "/teams/" + teamId, period, report.demoData());
        String chartQuery = page.query() + "&team=" + teamId;
        return render("team", page, report, d, () -> Templates.team(page, report, d,
                PanelView.of(d, report, "/api/reports/teams/" + teamId, chartQuery, page.query())));
    }

    @GET
    @Path("models")
    public String models(@QueryParam("preset") String preset, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        enabled();
        viewers.current().requireReports();
        Period period = Period.parse(preset, from, to, clock);
        Report report = reports.org(period);
        Dashboard d = catalog.current().dashboard("models");
        PageContext page = page(d.title(), "models", "/models", period, report.demoData());
        return render("models", page, report, d, () -> Templates.models(page, report, d,
                PanelView.of(d, report, "/api/reports/models", page.query(), page.query())));
    }

    @GET
    @Path("operations")
    public TemplateInstance operations() {
        enabled();
        viewers.current().requireAllTeams();
        Period period = Period.parse(null, null, null, clock);
        PageContext page = page("Operations", "operations", "/operations", period, reports.demoData());
        return Templates.operations(page, operations.status());
    }

    private PageContext page(String title, String active, String path, Period period, boolean demo) {
        return PageContext.of(title, active, path, period, clock, demo, catalog.lastError().orElse(null), navs.current());
    }

    private void enabled() {
        if (!roles.has(Role.DASHBOARD)) {
            throw ApiException.notFound("the dashboard role is not enabled on this instance (TALLY_ROLES)");
        }
    }

    static UUID teamId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("id: '" + id + "' is not a team id (UUID)");
        }
    }
}
