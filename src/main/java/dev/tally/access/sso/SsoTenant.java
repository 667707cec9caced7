package dev.tally.access.sso;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.oidc.OidcRequestContext;
import io.quarkus.oidc.OidcTenantConfig;
import io.quarkus.oidc.OidcTenantConfigBuilder;
import io.quarkus.oidc.TenantConfigResolver;
import io.quarkus.oidc.runtime.OidcTenantConfig.ApplicationType;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

import dev.tally.access.SsoConfig;
import dev.tally.access.auth.SignInPaths;

/**
 * The OpenID Connect tenant, built from {@code TALLY_OIDC_*} ({@link SsoConfig}) rather than from
 * quarkus.oidc.* keys, so that one documented set of variables turns single sign-on on. Hybrid: a
 * request with an {@code Authorization} header is checked as a bearer access token, any other gets
 * the authorization code flow (pages). Unconfigured, it resolves to nothing, and Quarkus disables
 * its default tenant because a resolver exists: local accounts remain.
 */
@ApplicationScoped
public class SsoTenant implements TenantConfigResolver {

    private static final Logger LOG = Logger.getLogger(SsoTenant.class);
    public static final String TENANT_ID = "tally";
    /** The redirect URI's path: register {@code https://<tally>/sso/callback} at the provider. */
    public static final String CALLBACK = "/sso/callback";
    /** Where the provider sends the browser after signing out there. */
    public static final String SIGNED_OUT = "/signed-out";

    private final OidcTenantConfig tenant;

    public SsoTenant(SsoConfig config) {
        this.tenant = config.authServerUrl()
                .filter(u -> !u.isBlank())
                .map(url -> build(config, url))
                .orElse(null);
        if (tenant != null) {
            LOG.infof(
                    "single sign-on through %s (client %s)",
                    config.authServerUrl().get(), config.clientId());
        }
    }

    private static OidcTenantConfig build(SsoConfig config, String url) {
        OidcTenantConfigBuilder b = OidcTenantConfig.builder()
                .tenantId(TENANT_ID)
                .authServerUrl(url)
                .clientId(config.clientId())
                .applicationType(ApplicationType.HYBRID);
        config.clientSecret().filter(s -> !s.isBlank()).ifPresent(b::credentials);
        config.audience().ifPresent(a -> b.token().audience(List.of(a)).end());
        b.authentication()
                .scopes(config.scopes())
                // one fixed redirect URI to register at the provider, whatever page asked for sign-in
                .redirectPath(CALLBACK)
                // back to the page that asked for sign-in, without the code and state in its URL
                .restorePathAfterRedirect(true)
                .removeRedirectParameters(true)
                .end();
        b.logout().path(SignInPaths.SIGN_OUT).postLogoutPath(SIGNED_OUT).end();
        return b.build();
    }

    public boolean enabled() {
        return tenant != null;
    }

    @Override
    public Uni<OidcTenantConfig> resolve(RoutingContext context, OidcRequestContext<OidcTenantConfig> requestContext) {
        return Uni.createFrom().item(tenant);
    }
}
