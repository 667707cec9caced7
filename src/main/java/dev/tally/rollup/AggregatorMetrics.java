package dev.tally.rollup;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** Micrometer meters of the aggregator (exported at {@code /q/metrics}). */
@ApplicationScoped
public class AggregatorMetrics {

    private final Counter usageCounted;
    private final Counter usageRepeats;
    private final Counter outcomesCounted;
    private final Counter outcomeRepeats;
    private final Counter deadLetters;
    private final Counter records;
    private final Counter failures;
    private final Timer batches;
    private final DistributionSummary batchRecords;
    private final Timer paced;
    private final MeterRegistry registry;

    public AggregatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        usageCounted = Counter.builder("tally.aggregator.events")
                .tag("topic", "usage")
                .tag("result", "counted")
                .description("events counted into the rollups")
                .register(registry);
        usageRepeats = Counter.builder("tally.aggregator.events")
                .tag("topic", "usage")
                .tag("result", "repeat")
                .description("events skipped because their id was counted before")
                .register(registry);
        outcomesCounted = Counter.builder("tally.aggregator.events")
                .tag("topic", "outcomes")
                .tag("result", "counted")
                .description("events counted into the rollups")
                .register(registry);
        outcomeRepeats = Counter.builder("tally.aggregator.events")
                .tag("topic", "outcomes")
                .tag("result", "repeat")
                .description("events skipped because their id was counted before")
                .register(registry);
        deadLetters = Counter.builder("tally.aggregator.dlq")
                .description("messages sent to tally.dlq.v1 (unparseable or invalid)")
                .register(registry);
        records = Counter.builder("tally.aggregator.records")
                .description("Kafka records consumed and committed")
                .register(registry);
        failures = Counter.builder("tally.aggregator.batch.failures")
                .description("batches rolled back (database or DLQ unavailable, stale offsets)")
                .register(registry);
        batches = Timer.builder("tally.aggregator.batch")
                .description("time from poll to PostgreSQL commit of one batch")
                .register(registry);
        batchRecords = DistributionSummary.builder("tally.aggregator.batch.records")
                .description("records per committed batch (at most max-batch-under-gateway-load while paced)")
                .register(registry);
        paced = Timer.builder("tally.aggregator.paced")
                .description("waits between batches while this JVM's gateway was busy (share-under-gateway-load)")
                .register(registry);
    }

    /** Synchronized with {@link #batches()}, so that a batch's count and records are read together. */
    synchronized void batch(BatchResult r, int recordCount, long nanos) {
        usageCounted.increment(r.usageCounted());
        usageRepeats.increment(r.usageRepeats());
        outcomesCounted.increment(r.outcomesCounted());
        outcomeRepeats.increment(r.outcomeRepeats());
        deadLetters.increment(r.deadLetters());
        records.increment(recordCount);
        batches.record(nanos, TimeUnit.NANOSECONDS);
        batchRecords.record(recordCount);
    }

    /** Batches committed by this instance since start, and the records in them. */
    public record Batches(long count, long records) {}

    /** The batches so far: their count and records from the same moment (never a batch half counted). */
    public synchronized Batches batches() {
        return new Batches(batches.count(), (long) records.count());
    }

    /** Time spent in one stage of a batch: decode, dlq, claim (offsets + usage ids), upsert, commit. */
    void stage(String stage, long nanos) {
        Timer.builder("tally.aggregator.stage")
                .tag("stage", stage)
                .description("time per batch stage")
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A consumer waited this long before its next poll, yielding the CPU to this JVM's gateway. */
    void paced(long nanos) {
        paced.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Waits for the gateway so far: how many, and their total in seconds. */
    public long pacedCount() {
        return paced.count();
    }

    public double pacedSeconds() {
        return paced.totalTime(TimeUnit.SECONDS);
    }

    void failure() {
        failures.increment();
    }

    /** Dead letters counted by this instance since start. */
    public double deadLetters() {
        return deadLetters.count();
    }
}
