package dev.tally.alert.channel;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateData;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.access.page.Navs;
import dev.tally.dashboard.page.PageContext;
import dev.tally.dashboard.report.ReportService;
import dev.tally.dashboard.roi.Format;
import dev.tally.platform.ApiException;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.time.OrgCalendar;

/** The Alerts page: the latest budget alerts and, for each, where it went and whether it arrived. */
@Path("/alerts")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class AlertPages {

    static final int SHOWN = 100;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance alerts(PageContext page, List<Row> alerts, DeliveryViews.Log log, String zone);
    }

    /** One alert as the page shows it. */
    @TemplateData
    public record Row(
            String at,
            String kind,
            String title,
            String scope,
            String link,
            String spent,
            String limit,
            String projected,
            List<DeliveryViews.Delivery> deliveries) {}

    private final DeliveryLog log;
    private final DeliveryViews views;
    private final Notices notices;
    private final ReportService reports;
    private final OrgCalendar calendar;
    private final Roles roles;
    private final Viewers viewers;
    private final Navs navs;

    public AlertPages(
            DeliveryLog log,
            DeliveryViews views,
            Notices notices,
            ReportService reports,
            OrgCalendar calendar,
            Roles roles,
            Viewers viewers,
            Navs navs) {
        this.log = log;
        this.viewers = viewers;
        this.navs = navs;
        this.views = views;
        this.reports = reports;
        this.notices = notices;
        this.calendar = calendar;
        this.roles = roles;
    }

    @GET
    public TemplateInstance alerts() {
        if (!roles.has(Role.DASHBOARD)) {
            throw ApiException.notFound("the dashboard role is not enabled on this instance (TALLY_ROLES)");
        }
        // Alerts name every team's spend and budget: the same audience as the operations page.
        viewers.current().requireAllTeams();
        // No period picker here: the frame without one (as the audit log and My usage use).
        PageContext page = PageContext.plain("Alerts", "alerts", "/alerts", reports.demoData(), navs.current());
        List<Row> rows = log.recentAlerts(SHOWN).stream().map(this::row).toList();
        return Templates.alerts(page, rows, views.log(0), calendar.zone().getId());
    }

    private Row row(DeliveryLog.AlertEntry e) {
        Alert a = e.alert();
        String scope = a.scopeName() != null ? a.scopeName() : a.scopeId() != null ? a.scopeId() : "organisation";
        return new Row(
                notices.time(a.at()),
                a.kind().apiName(),
                notices.of(a).title(),
                a.scope() == null ? scope : scope + " (" + a.scope() + ")",
                a.link(),
                a.spentNanos() == null ? "–" : Format.money(a.spentNanos()),
                a.limitNanos() == null ? "–" : Format.money(a.limitNanos()),
                a.projectedNanos() == null ? "–" : Format.money(a.projectedNanos()),
                e.deliveries().stream().map(views::delivery).toList());
    }
}
