package dev.tally.access.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;

import dev.tally.access.Viewers;
import dev.tally.access.page.Navs;
import dev.tally.dashboard.page.PageContext;
import dev.tally.dashboard.report.ReportService;
import dev.tally.platform.ApiException;

/** The audit log page for admins ({@code /admin/audit}); its CSV is {@code /api/admin/audit?format=csv}. */
@Path("/admin/audit")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class AuditPage {

    static final int PAGE_LIMIT = 500;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance audit(
                PageContext page, List<AuditEntry> entries, List<String> targets, String target, int days, int limit);
    }

    private final AuditLog audit;
    private final Viewers viewers;
    private final Navs navs;
    private final ReportService reports;
    private final Clock clock;

    public AuditPage(AuditLog audit, Viewers viewers, Navs navs, ReportService reports, Clock clock) {
        this.audit = audit;
        this.viewers = viewers;
        this.navs = navs;
        this.reports = reports;
        this.clock = clock;
    }

    @GET
    public TemplateInstance page(@QueryParam("target") String target, @QueryParam("days") Integer days) {
        viewers.current().requireAdmin();
        int d = days == null ? 30 : days;
        if (d < 1 || d > 3660) {
            throw ApiException.badRequest("days: 1 to 3660");
        }
        String kind = AuditResource.target(target);
        Instant end = clock.instant().plusSeconds(1);
        List<AuditEntry> entries = audit.list(end.minus(Duration.ofDays(d)), end, kind, PAGE_LIMIT);
        PageContext page = PageContext.plain("Audit log", "audit", "/admin/audit", reports.demoData(), navs.current());
        return Templates.audit(
                page,
                entries,
                Arrays.stream(AuditTarget.values()).map(AuditTarget::key).toList(),
                kind,
                d,
                PAGE_LIMIT);
    }
}
