package dev.tally.rollup;

import java.time.Duration;
import java.util.OptionalDouble;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the aggregator (the {@code tally-aggregator} consumer group). */
@ConfigMapping(prefix = "tally.aggregator")
public interface AggregatorConfig {

    /** Kafka consumer group; every aggregator instance joins it and they split the partitions. */
    @WithDefault("tally-aggregator")
    String groupId();

    /** Consumers (threads) per instance; each owns a share of the partitions. */
    @WithDefault("2")
    int consumers();

    /** Longest wait for records in one poll; bounds freshness when traffic is light. */
    @WithDefault("250ms")
    Duration pollTimeout();

    /**
     * Most records in one poll, i.e. in one PostgreSQL transaction. Large batches aggregate better
     * (fewer rollup rows per event); a poll still returns as soon as any record is there.
     */
    @WithDefault("20000")
    int maxPollRecords();

    /** Most bytes fetched per partition per request. */
    @WithDefault("8388608")
    int maxPartitionFetchBytes();

    /** Pause after a failed batch (database or DLQ unreachable) before the batch is read again. */
    @WithDefault("2s")
    Duration retryBackoff();

    /**
     * How long usage event ids are kept for de-duplication, in days of event time. Longer than the
     * usage topic's retention, so a replay of anything still on Kafka is recognised.
     */
    @WithDefault("35")
    int usageDedupeRetentionDays();

    /**
     * De-duplicate usage events by id (the gateway's spool replays at least once). Only turn it
     * off to measure what it costs: without it a replayed call is counted twice.
     */
    @WithDefault("true")
    boolean usageDedupe();

    /**
     * Share of wall-clock time each consumer may spend on batches while this JVM's gateway is busy
     * (see {@link #gatewayBusyCallsPerSecond()}): after a batch that took T it waits
     * T × (1 − share) / share before it polls again, so the gateway keeps the CPU and batches grow.
     * 1 turns the pacing off. An instance without the gateway role is never paced.
     */
    @WithDefault("0.25")
    double shareUnderGatewayLoad();

    /**
     * From this many calls a second (this JVM's gateway, measured over windows of a second or more)
     * the gateway counts as busy and the aggregator yields to it. The default is far above a demo
     * (about 3 calls/s) or an org's everyday traffic through one instance, where the aggregator's
     * events cost the gateway nothing measurable and pacing would only delay the rollups, and far
     * below the gateway's saturation on two cores (about 10,000 calls/s), where it matters.
     */
    @WithDefault("500")
    double gatewayBusyCallsPerSecond();

    /**
     * Once busy, the gateway stays busy until its call rate over a window falls below this (above 0,
     * at most {@link #gatewayBusyCallsPerSecond()}), so a moderate load after a saturating one does
     * not get the backlog drained at full speed beside it. The default is well above a demo's trickle
     * (about 3 calls/s), which is never paced. Unset: 50, or the busy threshold if that is lower.
     */
    OptionalDouble gatewayCalmCallsPerSecond();

    /** The calm rate when {@link #gatewayCalmCallsPerSecond()} is not set. */
    double DEFAULT_CALM_CALLS_PER_SECOND = 50;

    /** Longest wait between two batches while paced: bounds how stale the rollups get under load. */
    @WithDefault("2s")
    Duration maxPauseUnderGatewayLoad();

    /**
     * Most records in one batch (one PostgreSQL transaction) while paced: a poll's records are then
     * counted in batches of at most this many, each followed by its pause. A batch is a burst of this
     * JVM's and PostgreSQL's CPU; short ones let the gateway through between them, where one batch of
     * a whole poll ({@link #maxPollRecords()}) held both cores for a second or more. At least 1.
     */
    @WithDefault("2000")
    int maxBatchUnderGatewayLoad();

    /** How often the operations snapshot (lag, DLQ count, rate) is refreshed in the background. */
    @WithDefault("5s")
    Duration statusRefresh();
}
