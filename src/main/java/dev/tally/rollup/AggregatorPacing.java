package dev.tally.rollup;

import java.time.Duration;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.quarkus.runtime.Startup;

import dev.tally.gateway.GatewayMetrics;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.StartupException;
import dev.tally.platform.Ticker;

/**
 * Keeps the gateway first when it shares the JVM with the aggregator (the default single-JVM run).
 * While the gateway is busy, each consumer spends at most {@code share-under-gateway-load} of the
 * wall-clock time on its batches: after a batch that took T it waits T × (1 − s) / s, at most
 * {@code max-pause-under-gateway-load}, and its batches hold at most
 * {@code max-batch-under-gateway-load} records, so each burst of CPU is short. The PostgreSQL
 * processes (which thread priorities would not reach) are paced with it; the aggregator's cost is
 * mostly per event (measured in docs/aggregation.md), so under sustained saturation the backlog
 * grows while the load lasts.
 *
 * <p>"Busy" is a call rate: the gateway's calls over the last window of at least {@link #WINDOW},
 * at or above {@code gateway-busy-calls-per-second}. Once busy, the gateway stays busy until a
 * window's rate falls below {@code gateway-calm-calls-per-second}: a moderate load that follows a
 * saturating one (the bench's latency test after its throughput tests) would otherwise get the
 * backlog drained at full speed beside it. A trickle (the demo, a small team) is below both and
 * never paced: there the aggregator's few events cost the gateway nothing, and pacing would only
 * make the rollups stale. The calls are read from the gateway's own counters when a batch ends, and
 * re-measured at most once a window, so a gateway call does no work for this.
 */
@Singleton
@Startup // a setting out of range stops start-up with its line, not the first batch
public class AggregatorPacing {

    /** The shortest span the gateway's call rate is measured over. */
    static final Duration WINDOW = Duration.ofSeconds(1);

    private final double share;
    private final long maxPauseNanos;
    private final int maxBatch;
    private final double busyCallsPerSecond;
    private final double calmCallsPerSecond;
    private final boolean gatewayHere;
    private final LongSupplier gatewayCalls;
    private final Ticker ticker;

    /** The window being measured and the verdict on the last one; both consumers read them. */
    private long windowStartNanos;

    private long callsAtWindowStart;
    private boolean busy;

    @Inject
    AggregatorPacing(AggregatorConfig config, Roles roles, GatewayMetrics gateway, Ticker ticker) {
        this(
                config.shareUnderGatewayLoad(),
                config.maxPauseUnderGatewayLoad(),
                config.maxBatchUnderGatewayLoad(),
                config.gatewayBusyCallsPerSecond(),
                calmOrDefault(config.gatewayCalmCallsPerSecond(), config.gatewayBusyCallsPerSecond()),
                roles.has(Role.GATEWAY),
                gateway::calls,
                ticker);
    }

    /** @param gatewayCalls the calls this JVM's gateway has ended since start (a counter that only grows) */
    AggregatorPacing(
            double share,
            Duration maxPause,
            int maxBatch,
            double busyCallsPerSecond,
            double calmCallsPerSecond,
            boolean gatewayHere,
            LongSupplier gatewayCalls,
            Ticker ticker) {
        if (!(share > 0 && share <= 1)) {
            throw new StartupException("tally.aggregator.share-under-gateway-load is " + share
                    + ": use a fraction above 0 and at most 1 (1 = never paced)");
        }
        if (maxBatch < 1) {
            throw new StartupException("tally.aggregator.max-batch-under-gateway-load is " + maxBatch
                    + ": use a whole number of records, at least 1");
        }
        if (!(busyCallsPerSecond > 0 && busyCallsPerSecond < Double.POSITIVE_INFINITY)) {
            throw new StartupException("tally.aggregator.gateway-busy-calls-per-second is " + busyCallsPerSecond
                    + ": use a rate above 0 (calls a second of this JVM's gateway from which the aggregator yields)");
        }
        if (!(calmCallsPerSecond > 0 && calmCallsPerSecond <= busyCallsPerSecond)) {
            throw new StartupException("tally.aggregator.gateway-calm-calls-per-second is " + calmCallsPerSecond
                    + ": use a rate above 0 and at most tally.aggregator.gateway-busy-calls-per-second ("
                    + busyCallsPerSecond + "; the rate under which a busy gateway counts as calm again)");
        }
        this.share = share;
        this.maxPauseNanos = Math.max(0, maxPause.toNanos());
        this.maxBatch = maxBatch;
        this.busyCallsPerSecond = busyCallsPerSecond;
        this.calmCallsPerSecond = calmCallsPerSecond;
        this.gatewayHere = gatewayHere;
        this.gatewayCalls = gatewayCalls;
        this.ticker = ticker;
        this.windowStartNanos = ticker.nanoTime();
        this.callsAtWindowStart = gatewayCalls.getAsLong();
    }

    /** The calm rate as set, else 50 or the busy rate if that is lower (a lowered busy rate needs no second setting). */
    static double calmOrDefault(OptionalDouble calm, double busyCallsPerSecond) {
        return calm.orElse(Math.min(AggregatorConfig.DEFAULT_CALM_CALLS_PER_SECOND, busyCallsPerSecond));
    }

    /** Nanoseconds to wait after a batch that took {@code batchNanos}; 0 unless this JVM's gateway is busy. */
    long pauseAfter(long batchNanos) {
        if (share >= 1 || batchNanos <= 0 || !gatewayHere || !gatewayBusy()) {
            return 0;
        }
        double pause = batchNanos * (1 - share) / share;
        return pause >= maxPauseNanos ? maxPauseNanos : (long) pause;
    }

    /**
     * Most records the next batch may hold: {@code max-batch-under-gateway-load} while paced (this
     * JVM's gateway is busy), else no limit but the poll's. Looked at before each batch, so a load
     * that starts or ends half-way through a poll's records changes the batches that follow.
     */
    int recordsPerBatch() {
        return share < 1 && gatewayHere && gatewayBusy() ? maxBatch : Integer.MAX_VALUE;
    }

    /**
     * Whether the gateway is busy: a window's call rate reached the busy threshold, and no window
     * since has fallen below the calm one. A window closes at the first look at least {@link #WINDOW}
     * after it opened; until then the verdict on the previous one holds. After a long quiet spell the
     * first window is long and its rate low, so a load that starts then counts from the window after.
     */
    synchronized boolean gatewayBusy() {
        long now = ticker.nanoTime();
        long elapsed = now - windowStartNanos;
        if (elapsed >= WINDOW.toNanos()) {
            long calls = gatewayCalls.getAsLong();
            double callsPerSecond = (calls - callsAtWindowStart) * 1e9 / elapsed;
            busy = callsPerSecond >= (busy ? calmCallsPerSecond : busyCallsPerSecond);
            windowStartNanos = now;
            callsAtWindowStart = calls;
        }
        return busy;
    }
}
