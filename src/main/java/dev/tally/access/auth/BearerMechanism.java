package dev.tally.access.auth;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import dev.tally.access.Viewer;
import dev.tally.access.sso.SsoTenant;
import dev.tally.access.token.ApiTokens;
import dev.tally.platform.AdminToken;
import dev.tally.platform.Problem;

/**
 * Tally's own bearer credentials, tried before single sign-on and sessions: the bootstrap admin
 * token and scoped API tokens ({@code tapi_…}). Any other bearer token is left to the identity
 * provider's access-token check when SSO is configured, and refused otherwise.
 *
 * <p>It also answers challenges first: {@code /api} and {@code /charts} callers without a session get
 * 401 with a problem+json body (a script must not be redirected to a sign-in page); pages fall
 * through to the SSO or form redirect.
 */
@ApplicationScoped
public class BearerMechanism implements HttpAuthenticationMechanism {

    /** Above OIDC (1001) and form (1000), so that Tally's tokens never reach the JWT check. */
    static final int PRIORITY = 2000;

    private static final String BEARER = "Bearer ";

    private final AdminToken adminToken;
    private final SsoTenant sso;
    private final ObjectMapper json;

    public BearerMechanism(AdminToken adminToken, SsoTenant sso, ObjectMapper json) {
        this.adminToken = adminToken;
        this.sso = sso;
        this.json = json;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String header = context.request().getHeader(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Uni.createFrom().nullItem();
        }
        String token = header.substring(BEARER.length()).trim();
        if (adminToken.matches(header)) {
            return Uni.createFrom().item(Identities.of(Viewer.adminToken()));
        }
        if (token.startsWith(ApiTokens.SCHEME)) {
            return identityProviderManager.authenticate(
                    HttpSecurityUtils.setRoutingContextAttribute(new ApiTokenRequest(token), context));
        }
        if (sso.enabled()) {
            return Uni.createFrom().nullItem(); // an SSO access token: the OIDC mechanism verifies it
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("unknown bearer token"));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, HttpHeaderNames.WWW_AUTHENTICATE, "Bearer"));
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        String path = context.normalizedPath();
        if (!path.startsWith("/api/") && !path.startsWith("/charts/")) {
            return Uni.createFrom().item(false); // pages: the SSO or form mechanism redirects to sign in
        }
        if (context.response().ended()) {
            return Uni.createFrom().item(true); // answered already (AccessRoutes' failure handler)
        }
        AuthenticationFailedException failure = HttpSecurityUtils.getAuthenticationFailureFromEvent(context);
        String detail = failure != null && failure.getMessage() != null
                ? failure.getMessage()
                : "sign in, or send Authorization: Bearer <token>";
        byte[] body;
        try {
            body = json.writeValueAsBytes(new Problem("about:blank", "Unauthorized", 401, detail, path));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        context.response()
                .setStatusCode(401)
                .putHeader(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer")
                .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .end(Buffer.buffer(body));
        return Uni.createFrom().item(true);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION, "bearer"));
    }

    @Override
    public int getPriority() {
        return PRIORITY;
    }
}
