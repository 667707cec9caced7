package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import dev.tally.gateway.Provider;
import dev.tally.gateway.ProviderRegistry;

/**
 * Picks the provider for the call's model ({@link ProviderRegistry}); 404 when no rule matches.
 * Runs last, so that it routes the model a check before it may have rewritten.
 */
@Singleton
public class RouteCheck implements AdmissionCheck {

    private final ProviderRegistry registry;

    public RouteCheck(ProviderRegistry registry) {
        this.registry = registry;
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
        Provider provider = registry.route(call.model());
        if (provider == null) {
            return Refusal.of(RefusalReason.NO_ROUTE, "no provider is configured for model " + call.model(), "model");
        }
        call.route(provider);
        return PASS;
    }
}
