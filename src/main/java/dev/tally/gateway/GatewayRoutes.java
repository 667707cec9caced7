package dev.tally.gateway;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

import dev.tally.platform.Role;
import dev.tally.platform.Roles;

/**
 * Puts the provider-compatible paths on Quarkus' Vert.x router (only on gateway instances). The
 * routes come before Quarkus' upload-limit handler so that a too-large body gets a 413 in the
 * caller's API format rather than an empty one.
 */
@ApplicationScoped
public class GatewayRoutes {

    /** Before RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT (-2). */
    static final int ORDER = -10;

    void install(@Observes Router router, Roles roles, ProxyHandler proxy) {
        if (!roles.has(Role.GATEWAY)) {
            return;
        }
        for (Api api : Api.values()) {
            router.route(api == Api.MODELS ? HttpMethod.GET : HttpMethod.POST, api.path).order(ORDER)
                    .handler(ctx -> proxy.handle(ctx, api));
        }
    }
}
