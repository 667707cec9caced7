package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import dev.tally.gateway.GatewayConfig;

/**
 * At most {@code tally.gateway.max-header-count} request headers: 431 otherwise. Their total size is
 * already capped by {@code quarkus.http.limits.max-header-size} before the gateway sees the call;
 * this bounds their number, which the HTTP server does not. Runs after the key, so a known key's
 * refusal is recorded under it.
 */
@Singleton
public class HeaderCountCheck implements AdmissionCheck {

    private final int maxHeaders;

    public HeaderCountCheck(GatewayConfig config) {
        this.maxHeaders = config.maxHeaderCount();
    }

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    @Override
    public int order() {
        return 150;
    }

    @Override
    public Refusal check(PendingCall call) {
        int n = call.headerCount();
        if (maxHeaders > 0 && n > maxHeaders) {
            return Refusal.of(
                    RefusalReason.TOO_MANY_HEADERS,
                    "the request has " + n + " headers; at most " + maxHeaders + " are accepted");
        }
        return PASS;
    }
}
