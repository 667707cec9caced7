package dev.tally.access.auth;

import java.net.URI;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.tally.outcomes.Intake;
import dev.tally.platform.Problem;

/**
 * Router-level guards of sign-in: a sign-in form posted from another site is refused (login CSRF:
 * the form is handled by Quarkus before any REST filter could check a token, so the browser's
 * Origin and Sec-Fetch-Site headers are checked instead), and on the API a request the HTTP
 * permissions forbid, or whose token is refused, gets its 403 or 401 as problem+json with the reason.
 * <p>
 * An API request that may change something, carries no {@code Authorization} header (so it rests on
 * the session cookie) and comes, by the same headers, from another origin is refused with a 403: the
 * SameSite cookie keeps cross-site pages out, and this keeps out a sibling host of the same site too.
 * <p>
 * A form body (urlencoded or multipart) sent to the API is refused with a 415 naming what the path
 * takes, right after the permission check and before anything reads it: no API endpoint takes a
 * form, and quarkus-rest-csrf, which guards the pages' forms, would otherwise read the body and
 * answer a bare 400 (no CSRF token) or 413 (a field over the form limit) first.
 */
@ApplicationScoped
public class AccessRoutes {

    private final ObjectMapper json;

    public AccessRoutes(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        router.post(SignInPaths.POST)
                .order(-1 * SecurityHandlerPriorities.FORM_AUTHENTICATION - 10)
                .handler(rc -> {
                    if (crossSite(rc)) {
                        problem(rc, 403, "sign-in forms are accepted from this site only");
                    } else {
                        rc.next();
                    }
                });
        router.route("/api/*").order(API_FORM_ORDER).handler(rc -> {
            String type = rc.request().getHeader(HttpHeaderNames.CONTENT_TYPE);
            if (unsafe(rc.request().method())
                    && !rc.request().headers().contains(HttpHeaderNames.AUTHORIZATION)
                    && crossSite(rc)) {
                // a browser's session cookie, sent by a page of another origin: SameSite=Lax keeps it off
                // cross-site requests, but not off those from a sibling host of the same site
                problem(rc, 403, "changes made with a session are accepted from this site only");
            } else if (!formBody(type)) {
                rc.next();
            } else if ("0".equals(rc.request().getHeader(HttpHeaderNames.CONTENT_LENGTH))) {
                // a bodiless POST labelled as a form (REST Assured's and some HTTP clients' default), e.g.
                // .../keys/{id}/resume: there is nothing to read, so the label is dropped, not refused
                rc.request().headers().remove(HttpHeaderNames.CONTENT_TYPE);
                rc.next();
            } else {
                rc.response().putHeader(HttpHeaderNames.CONNECTION, "close");
                problem(rc, 415, Intake.formRefusal(rc.normalizedPath(), type));
            }
        });
        router.route().order(Integer.MIN_VALUE + 10).failureHandler(rc -> {
            String path = rc.normalizedPath();
            boolean api = path.startsWith("/api/") || path.startsWith("/charts/");
            if (!api || rc.response().headWritten()) {
                rc.next();
            } else if (rc.failure() instanceof ForbiddenException) {
                problem(
                        rc,
                        403,
                        "your role or token scope does not allow "
                                + rc.request().method() + " " + path);
            } else if (rc.failure() instanceof AuthenticationFailedException e) {
                // a bearer token checked on a worker thread (API tokens): the permission check
                // fails the request with the reason before the challenge gets to answer
                rc.response().putHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
                problem(
                        rc,
                        401,
                        e.getMessage() == null ? "sign in, or send Authorization: Bearer <token>" : e.getMessage());
            } else {
                rc.next();
            }
        });
    }

    /** Right after the HTTP permission check (order -100), before Quarkus REST reads a body. */
    static final int API_FORM_ORDER = -1 * SecurityHandlerPriorities.AUTHORIZATION + 5;

    /** A method that may change something: what a page of another origin must not make with a session. */
    static boolean unsafe(HttpMethod method) {
        return !(method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD) || method.equals(HttpMethod.OPTIONS));
    }

    /** A browser form's body type: what the CSRF filter checks, and what no API endpoint takes. */
    static boolean formBody(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/x-www-form-urlencoded") || type.equals("multipart/form-data");
    }

    /** True when the browser says the request comes from another origin or site. */
    static boolean crossSite(RoutingContext rc) {
        String site = rc.request().getHeader("Sec-Fetch-Site");
        if (site != null && site.equals("cross-site")) {
            return true;
        }
        String origin = rc.request().getHeader(HttpHeaderNames.ORIGIN);
        if (origin == null || origin.equals("null")) {
            return origin != null; // "null": a sandboxed or privacy-redirected form, not ours
        }
        try {
            URI o = URI.create(origin);
            String host = rc.request().authority() == null
                    ? null
                    : rc.request().authority().toString();
            String originHost = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return host == null || !host.equalsIgnoreCase(originHost) && !host.equalsIgnoreCase(o.getHost());
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private void problem(RoutingContext rc, int status, String detail) {
        try {
            byte[] body = json.writeValueAsBytes(new Problem(
                    "about:blank",
                    status == 403
                            ? "Forbidden"
                            : status == 401 ? "Unauthorized" : status == 415 ? "Unsupported Media Type" : "Error",
                    status,
                    detail,
                    rc.normalizedPath()));
            rc.response()
                    .setStatusCode(status)
                    .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                    .end(Buffer.buffer(body));
        } catch (JsonProcessingException e) {
            rc.fail(e);
        }
    }
}
