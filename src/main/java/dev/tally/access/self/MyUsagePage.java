package dev.tally.access.self;

import java.net.URI;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;

import dev.tally.access.Viewer;
import dev.tally.access.Viewers;
import dev.tally.access.auth.SignInPaths;
import dev.tally.access.page.Navs;
import dev.tally.access.user.UserService;
import dev.tally.dashboard.page.PageContext;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.ReportService;
import dev.tally.identity.CreatedKey;
import dev.tally.platform.ApiException;
import dev.tally.platform.time.OrgCalendar;

/**
 * My usage: a signed-in person's own spend, calls by model and gateway keys, with self-service key
 * creation and revocation. Forms carry the CSRF token (quarkus-rest-csrf checks it). A new key is
 * shown in the answer to its creation only, never in a URL, and that answer is not cached.
 */
@Path("/me")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class MyUsagePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance me(
                PageContext page,
                MyUsage usage,
                CreatedKey newKey,
                String message,
                String error,
                String csrfField,
                String csrfToken,
                boolean localAccount,
                String zone);
    }

    private final SelfService self;
    private final Viewers viewers;
    private final Navs navs;
    private final ReportService reports;
    private final UserService users;
    private final OrgCalendar calendar;
    private final RoutingContext routing;

    public MyUsagePage(
            SelfService self,
            Viewers viewers,
            Navs navs,
            ReportService reports,
            UserService users,
            OrgCalendar calendar,
            RoutingContext routing) {
        this.self = self;
        this.viewers = viewers;
        this.navs = navs;
        this.reports = reports;
        this.users = users;
        this.calendar = calendar;
        this.routing = routing;
    }

    @GET
    public TemplateInstance me(
            @QueryParam("preset") String preset,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("done") String done) {
        Viewer v = viewers.current();
        String message = switch (done == null ? "" : done) {
            case "revoked" -> "Key revoked: the gateway refuses it within seconds.";
            default -> null;
        };
        return page(v, Period.parse(preset, from, to, calendar.today()), null, message, null);
    }

    @POST
    @Path("keys")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createKey(@FormParam("name") String name) {
        Viewer v = viewers.current();
        Period period = Period.parse(null, null, null, calendar.today());
        try {
            CreatedKey key = self.createKey(v, name);
            return Response.ok(page(v, period, key, null, null))
                    .header("Cache-Control", "no-store")
                    .build();
        } catch (ApiException e) {
            return Response.status(e.status())
                    .entity(page(v, period, null, null, e.getMessage()))
                    .build();
        }
    }

    @POST
    @Path("keys/{id}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response revokeKey(@PathParam("id") UUID id) {
        self.revokeKey(viewers.current(), id);
        return Response.seeOther(URI.create("/me?done=revoked")).build();
    }

    @POST
    @Path("password")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response changePassword(@FormParam("current") String current, @FormParam("password") String password) {
        Viewer v = viewers.current();
        try {
            users.changeOwnPassword(v, current, password);
            // The new password ends every session of the account, this one too (LocalSignIn.Session):
            // its cookie goes, and the sign-in page says why.
            FormAuthenticationMechanism.logout(routing);
            return Response.seeOther(URI.create(SignInPaths.PAGE + "?password-changed=1"))
                    .header("Cache-Control", "no-store")
                    .build();
        } catch (ApiException e) {
            return Response.status(e.status())
                    .entity(page(v, Period.parse(null, null, null, calendar.today()), null, null, e.getMessage()))
                    .build();
        }
    }

    private TemplateInstance page(Viewer v, Period period, CreatedKey newKey, String message, String error) {
        MyUsage usage = self.usage(v, period);
        PageContext page = PageContext.plain("My usage", "me", "/me", reports.demoData(), navs.current());
        return Templates.me(
                page,
                usage,
                newKey,
                message,
                error,
                navs.csrfField(),
                navs.csrfToken(),
                v.kind() == Viewer.Kind.LOCAL_USER,
                calendar.zone().getId());
    }
}
