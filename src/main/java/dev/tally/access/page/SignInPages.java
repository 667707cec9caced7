package dev.tally.access.page;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.vertx.http.runtime.security.FormAuthenticationMechanism;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;

import dev.tally.access.AccessConfig;
import dev.tally.access.Viewer;
import dev.tally.access.Viewers;
import dev.tally.access.auth.Identities;
import dev.tally.access.auth.SignInNotice;
import dev.tally.access.auth.SignInPaths;
import dev.tally.access.sso.SsoTenant;
import dev.tally.access.user.LocalSignIn;
import dev.tally.access.user.SignInThrottle;
import dev.tally.dashboard.page.PageContext;

/**
 * The sign-in page. The form posts to Quarkus form authentication ({@code /j_security_check}),
 * which checks the password through {@link LocalSignIn} and sets the session cookie (encrypted,
 * HttpOnly, SameSite=Lax, Secure behind HTTPS).
 */
@Path(SignInPaths.PAGE)
@Produces(MediaType.TEXT_HTML)
@Blocking
public class SignInPages {

    private static final DateTimeFormatter HH_MM =
            DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance login(
                PageContext page,
                boolean failed,
                String lockedUntil,
                boolean signedOut,
                boolean passwordChanged,
                int maxFailures);

        static native TemplateInstance signedOut(PageContext page, boolean sso);
    }

    private final LocalSignIn signIn;
    private final SignInThrottle throttle;
    private final AccessConfig config;
    private final RoutingContext routing;
    private final Clock clock;

    public SignInPages(
            LocalSignIn signIn, SignInThrottle throttle, AccessConfig config, RoutingContext routing, Clock clock) {
        this.signIn = signIn;
        this.throttle = throttle;
        this.config = config;
        this.routing = routing;
        this.clock = clock;
    }

    /** {@code ?error=credentials} after a failed sign-in; a lock is read from the notice cookie or the address. */
    @GET
    public Response login(
            @QueryParam("error") String error,
            @QueryParam("signed-out") String signedOut,
            @QueryParam("password-changed") String passwordChanged,
            @CookieParam(SignInNotice.COOKIE) String lockedCookie) {
        if (!signIn.enabled()) {
            // single sign-on: any page starts the provider's sign-in
            return Response.seeOther(URI.create("/")).build();
        }
        Instant now = clock.instant();
        Optional<Instant> locked =
                lockedCookie == null ? Optional.empty() : parse(lockedCookie).filter(t -> t.isAfter(now));
        if (locked.isEmpty() && error != null) {
            locked = throttle.addressLockedUntil(Identities.clientAddress(routing));
        }
        PageContext page = PageContext.plain("Sign in", "login", SignInPaths.PAGE, false, Nav.NOBODY);
        Response.ResponseBuilder r = Response.ok(Templates.login(
                        page,
                        error != null,
                        locked.map(HH_MM::format).orElse(null),
                        signedOut != null,
                        passwordChanged != null,
                        config.signIn().maxFailuresPerAccount()))
                .header("Cache-Control", "no-store");
        if (lockedCookie != null) {
            r.cookie(new NewCookie.Builder(SignInNotice.COOKIE)
                    .value("")
                    .path(SignInPaths.PAGE)
                    .maxAge(0)
                    .httpOnly(true)
                    .build());
        }
        return r.build();
    }

    private static Optional<Instant> parse(String epochSeconds) {
        try {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(epochSeconds)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Where the identity provider sends the browser after signing out there. */
    @Path(SsoTenant.SIGNED_OUT)
    @Produces(MediaType.TEXT_HTML)
    public static class SignedOut {

        private final SsoTenant sso;

        public SignedOut(SsoTenant sso) {
            this.sso = sso;
        }

        @GET
        public TemplateInstance signedOut() {
            return Templates.signedOut(
                    PageContext.plain("Signed out", "login", SsoTenant.SIGNED_OUT, false, Nav.NOBODY), sso.enabled());
        }
    }

    /**
     * Ends a local session (the CSRF token is checked before this runs). A single sign-on session
     * never gets here: the OIDC extension handles this path and signs out at the provider too.
     */
    @Path(SignInPaths.SIGN_OUT)
    public static class SignOut {

        private final Viewers viewers;
        private final RoutingContext routing;

        public SignOut(Viewers viewers, RoutingContext routing) {
            this.viewers = viewers;
            this.routing = routing;
        }

        @POST
        public Response logout() {
            Optional<Viewer> v = viewers.find();
            if (v.isPresent() && v.get().kind() == Viewer.Kind.LOCAL_USER) {
                FormAuthenticationMechanism.logout(routing);
            }
            return Response.seeOther(URI.create(SignInPaths.PAGE + "?signed-out=1"))
                    .header("Cache-Control", "no-store")
                    .build();
        }
    }
}
