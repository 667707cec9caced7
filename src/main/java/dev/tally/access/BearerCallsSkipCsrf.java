package dev.tally.access;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * An API call that carries its credential in {@code Authorization} and no body (e.g. {@code POST
 * /api/admin/alert-channels/{id}/test}, {@code POST /api/admin/keys/{id}/resume}) must not be refused by
 * the CSRF filter. quarkus-rest-csrf refuses every state-changing request without a body with a bare 400
 * ("Request has no entity"), because it looks for the token in a form. CSRF is an attack on ambient
 * credentials (the session cookie a browser attaches by itself); a browser never attaches an
 * {@code Authorization} header on its own, so such a call is not a forgery risk. Marking its missing
 * body as JSON lets the CSRF filter skip it, exactly as it skips every other JSON API call; forms and
 * cookie-authenticated calls are still checked.
 */
public class BearerCallsSkipCsrf {

    @ServerRequestFilter(preMatching = true, priority = Priorities.AUTHENTICATION - 100)
    public void markBodilessBearerCalls(ContainerRequestContext request) {
        String method = request.getMethod();
        if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method)) {
            return;
        }
        String auth = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (auth == null || auth.isBlank() || request.getHeaderString(HttpHeaders.CONTENT_TYPE) != null) {
            return;
        }
        request.getHeaders().putSingle(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON);
    }
}
