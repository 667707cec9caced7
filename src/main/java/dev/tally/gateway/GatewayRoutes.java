package dev.tally.gateway;

import java.time.Duration;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

import dev.tally.platform.Role;
import dev.tally.platform.Roles;

/**
 * Puts the provider-compatible paths on Quarkus' Vert.x router (only on gateway instances). The
 * routes come before Quarkus' upload-limit handler so that a too-large body gets a 413 in the
 * caller's API format rather than an empty one, and before Quarkus' HTTP security handlers (CORS,
 * authentication, the REST auth-failure handler, authorization): the gateway authenticates its
 * callers by their API keys itself, and those handlers cost about a tenth of the event loop's time
 * per proxied call (the REST one builds a request mapper on every request; see docs/benchmarks.md).
 */
@ApplicationScoped
public class GatewayRoutes {

    private static final Logger LOG = Logger.getLogger(GatewayRoutes.class);

    /**
     * Before the security handlers (the earliest, CORS, is at {@code -SecurityHandlerPriorities.CORS})
     * and so before RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT (-2).
     */
    static final int ORDER = -1 * SecurityHandlerPriorities.CORS - 10;

    void install(@Observes Router router, Roles roles, ProxyHandler proxy, GatewayConfig config, Config mp) {
        if (!roles.has(Role.GATEWAY)) {
            return;
        }
        Duration idle =
                mp.getOptionalValue("quarkus.http.idle-timeout", Duration.class).orElse(Duration.ofMinutes(30));
        Duration longest = Collections.max(
                List.of(config.firstByteTimeout(), config.betweenChunksTimeout(), config.bodyTimeout()));
        if (idle.compareTo(longest) <= 0) {
            LOG.warnf(
                    "quarkus.http.idle-timeout (%s) is not above the gateway's longest timeout (%s): the HTTP"
                            + " server will close a client's connection while its call still waits for the provider",
                    idle, longest);
        }
        for (Api api : Api.values()) {
            if (api.idPrefix == null) {
                router.route(HttpMethod.valueOf(api.method), api.path)
                        .order(ORDER)
                        .handler(ctx -> proxy.handle(ctx, api));
            }
        }
        // the calls on a stored response or a conversation, after the exact paths (added later at the
        // same order, so a chat or messages call never looks at them): the handler reads the id from
        // the raw path
        router.route(Api.RESPONSE_PREFIX + "*").order(ORDER).handler(proxy::onObjectPath);
        router.route(Api.CONVERSATION_PREFIX + "*").order(ORDER).handler(proxy::onObjectPath);
        // anything else under /v1/ (another path, or a gateway path with another method): a 404 or 405
        // in the caller's format rather than Quarkus' own page
        router.route("/v1/*").order(ORDER + 1).handler(proxy::unknownPath);
    }
}
