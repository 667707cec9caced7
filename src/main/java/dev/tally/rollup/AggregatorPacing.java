package dev.tally.rollup;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

import dev.tally.platform.GatewayActivity;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.StartupException;

/**
 * Keeps the gateway first when it shares the JVM with the aggregator (the default single-JVM run).
 * While the gateway is busy, each consumer spends at most {@code share-under-gateway-load} of the
 * wall-clock time on its batches: after a batch that took T it waits T × (1 − s) / s, at most
 * {@code max-pause-under-gateway-load}. Waiting makes the next batch larger, and the PostgreSQL
 * processes (which thread priorities would not reach) are paced with it; the aggregator's cost is
 * mostly per event (measured in docs/aggregation.md), so under sustained saturation the backlog
 * grows until the cap binds.
 */
@Singleton
@Startup // a share out of range stops start-up with its line, not the first batch
public class AggregatorPacing {

    /** The gateway counts as busy while a call reached it within this window. */
    static final Duration BUSY_WINDOW = Duration.ofSeconds(1);

    private final double share;
    private final long maxPauseNanos;
    private final boolean gatewayHere;
    private final GatewayActivity gateway;

    @Inject
    AggregatorPacing(AggregatorConfig config, Roles roles, GatewayActivity gateway) {
        this(config.shareUnderGatewayLoad(), config.maxPauseUnderGatewayLoad(), roles.has(Role.GATEWAY), gateway);
    }

    AggregatorPacing(double share, Duration maxPause, boolean gatewayHere, GatewayActivity gateway) {
        if (!(share > 0 && share <= 1)) {
            throw new StartupException("tally.aggregator.share-under-gateway-load is " + share
                    + ": use a fraction above 0 and at most 1 (1 = never paced)");
        }
        this.share = share;
        this.maxPauseNanos = Math.max(0, maxPause.toNanos());
        this.gatewayHere = gatewayHere;
        this.gateway = gateway;
    }

    /** Nanoseconds to wait after a batch that took {@code batchNanos}; 0 when this JVM's gateway is idle or absent. */
    long pauseAfter(long batchNanos) {
        if (share >= 1 || batchNanos <= 0 || !gatewayHere || !gateway.busyWithin(BUSY_WINDOW)) {
            return 0;
        }
        double pause = batchNanos * (1 - share) / share;
        return pause >= maxPauseNanos ? maxPauseNanos : (long) pause;
    }
}
