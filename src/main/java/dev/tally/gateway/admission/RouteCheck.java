package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import dev.tally.gateway.Provider;
import dev.tally.gateway.ProviderRegistry;
import dev.tally.gateway.WarmUp;

/**
 * Picks the provider for the call's model ({@link ProviderRegistry}); 404 when no rule matches.
 * Runs last, so that it routes the model a check before it may have rewritten. The gateway's
 * {@link WarmUp} calls go to its loopback provider, never to a configured one.
 */
@Singleton
public class RouteCheck implements AdmissionCheck {

    private final ProviderRegistry registry;
    private final WarmUp warmUp;

    public RouteCheck(ProviderRegistry registry, WarmUp warmUp) {
        this.registry = registry;
        this.warmUp = warmUp;
    }

    @Override
    public Phase phase() {
        return Phase.POST_BODY;
    }

    @Override
    public int order() {
        return 1000;
    }

    @Override
    public Refusal check(PendingCall call) {
        if (WarmUp.is(call.key())) {
            call.route(warmUp.provider(call.api()));
            return PASS;
        }
        if (call.api().storedObject) {
            return routeByResponseId(call);
        }
        Provider provider = registry.route(call.model());
        if (provider == null) {
            return Refusal.of(RefusalReason.NO_ROUTE, "no provider is configured for model " + call.model(), "model");
        }
        call.route(provider);
        return PASS;
    }

    /** A call on a stored response or a conversation names no model: it goes to the Responses API's provider. */
    private Refusal routeByResponseId(PendingCall call) {
        Provider provider = registry.responsesProvider();
        if (provider == null) {
            return Refusal.of(
                    RefusalReason.NO_ROUTE,
                    "no provider is configured for the Responses API's stored responses and conversations"
                            + " (tally.gateway.responses-provider)");
        }
        call.route(provider);
        return PASS;
    }
}
