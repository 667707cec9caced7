package dev.tally.rollup;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import dev.tally.events.Topics;
import dev.tally.platform.Ticker;

/**
 * One member of the aggregator group, on its own thread: poll a batch, decode and validate it, send
 * the bad messages to the DLQ, then write the rollups and the next offsets in one PostgreSQL
 * transaction; only after the commit does it poll again.
 *
 * <p>Offsets live in PostgreSQL. On assignment the consumer seeks to the stored offsets (the
 * beginning when there are none), pausing a partition until that has succeeded; records below the
 * stored offset are skipped. A failed batch is rolled back and read again from the stored offsets.
 * Offsets are also committed to Kafka afterwards, best effort, only so lag tools show them.
 *
 * <p>While this JVM's gateway is busy, the consumer counts a poll's records in batches of at most
 * {@link AggregatorPacing#recordsPerBatch()} and waits after each committed batch as
 * {@link AggregatorPacing} says, so that the gateway keeps the CPU.
 */
public final class RollupConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RollupConsumer.class);

    private final String name;
    private final String groupId;
    private final Duration pollTimeout;
    private final Duration retryBackoff;
    private final KafkaConsumer<String, byte[]> consumer;
    private final RollupStore store;
    private final EventDecoder decoder;
    private final DeadLetterQueue dlq;
    private final AggregatorMetrics metrics;
    private final AggregatorPacing pacing;
    private final Ticker ticker;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);

    /** Stored next offset per owned partition; absent = no row yet. Only touched by the thread. */
    private final Map<TopicPartition, Long> stored = new HashMap<>();
    /** Owned partitions whose position is not yet the stored offset; paused until it is. */
    private final Set<TopicPartition> unpositioned = new HashSet<>();

    private final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
    private final AtomicLong counted = new AtomicLong();
    private volatile boolean running = true;
    private volatile Instant lastBatchAt;

    RollupConsumer(
            String name,
            Map<String, Object> commonProps,
            AggregatorConfig config,
            RollupStore store,
            EventDecoder decoder,
            DeadLetterQueue dlq,
            AggregatorMetrics metrics,
            AggregatorPacing pacing,
            Ticker ticker) {
        this.name = name;
        this.groupId = config.groupId();
        this.pollTimeout = config.pollTimeout();
        this.retryBackoff = config.retryBackoff();
        this.store = store;
        this.decoder = decoder;
        this.dlq = dlq;
        this.metrics = metrics;
        this.pacing = pacing;
        this.ticker = ticker;
        Map<String, Object> props = commonProps;
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, config.maxPartitionFetchBytes());
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class));
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(props);
        this.thread = new Thread(this::run, "tally-aggregator-" + name);
    }

    public RollupConsumer start() {
        thread.start();
        return this;
    }

    /** Partitions this consumer owns now. */
    public Set<TopicPartition> assignment() {
        return Set.copyOf(owned);
    }

    /** Events (usage and outcomes) this consumer has counted, repeats excluded. */
    public long counted() {
        return counted.get();
    }

    public Instant lastBatchAt() {
        return lastBatchAt;
    }

    public String name() {
        return name;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.USAGE, Topics.OUTCOMES), new Rebalance());
            while (running) {
                try {
                    if (!unpositioned.isEmpty()) {
                        positionPaused();
                    }
                    ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                    if (!records.isEmpty()) {
                        process(records);
                    }
                } catch (WakeupException e) {
                    // close() was called, or a stray wakeup: the loop condition decides
                } catch (RuntimeException e) {
                    // e.g. the broker refused a fetch: the pipeline must not stop, so re-seek
                    // everything to the stored offsets and carry on after a pause
                    LOG.errorf(
                            e,
                            "aggregator consumer %s: unexpected error, retrying in %d ms",
                            name,
                            retryBackoff.toMillis());
                    metrics.failure();
                    try {
                        markUnpositioned(consumer.assignment());
                    } catch (RuntimeException again) {
                        LOG.debugf("cannot pause partitions: %s", again.getMessage());
                    }
                    pause(retryBackoff);
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debugf("closing consumer %s: %s", name, e.getMessage());
            }
            owned.clear();
        }
    }

    /**
     * Counts a poll's records: in one batch, or while paced in batches of at most
     * {@link AggregatorPacing#recordsPerBatch()} records, each committed (rollups and offsets in one
     * transaction) and followed by its pause before the next is decoded. A failed batch leaves the
     * rest of the poll uncounted: every partition of the poll is then read again from its stored
     * offset, so nothing after the failure is skipped.
     */
    private void process(ConsumerRecords<String, byte[]> records) {
        int limit = pacing.recordsPerBatch();
        long started = ticker.nanoTime();
        RollupBatch batch = new RollupBatch();
        Map<TopicPartition, Long> expected = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            if (!owned.contains(tp) || unpositioned.contains(tp)) {
                continue;
            }
            Long from = stored.get(tp);
            if (from != null) {
                expected.put(tp, from);
            }
            for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
                if (from != null && r.offset() < from) {
                    continue; // already counted: below the stored offset
                }
                decode(r, batch);
                batch.consumed(tp, r.offset());
                if (batch.records >= limit) {
                    if (!commit(batch, expected, started, records.partitions()) || !running) {
                        return; // the rest of the poll is read again from the stored offsets
                    }
                    limit = pacing.recordsPerBatch();
                    started = ticker.nanoTime();
                    batch = new RollupBatch();
                    expected = new HashMap<>();
                    expected.put(tp, stored.get(tp)); // the rest of this partition follows what was just committed
                }
            }
        }
        if (!batch.isEmpty()) {
            commit(batch, expected, started, records.partitions());
        }
    }

    /**
     * Writes one batch (DLQ, then rollups and offsets in one PostgreSQL transaction), then yields to
     * the gateway as paced; false when it failed, with the poll's partitions set to be read again.
     */
    private boolean commit(
            RollupBatch batch, Map<TopicPartition, Long> expected, long started, Set<TopicPartition> polled) {
        metrics.stage("decode", ticker.nanoTime() - started);
        long took;
        try {
            long d0 = ticker.nanoTime();
            dlq.sendAll(batch.deadLetters);
            metrics.stage("dlq", ticker.nanoTime() - d0);
            BatchResult result = store.apply(groupId, batch, expected);
            stored.putAll(batch.nextOffsets);
            lastBatchAt = Instant.now();
            counted.addAndGet(result.usageCounted() + result.outcomesCounted());
            took = ticker.nanoTime() - started;
            metrics.batch(result, batch.records, took);
            commitToKafkaBestEffort(batch.nextOffsets);
        } catch (StaleOffsetsException e) {
            LOG.warnf("aggregator %s: %s; batch rolled back, re-reading from the stored offsets", name, e.getMessage());
            metrics.failure();
            markUnpositioned(consumer.assignment());
            return false;
        } catch (Exception e) {
            LOG.errorf(
                    "aggregator %s: batch of %d records not committed (%s); retrying in %d ms",
                    name, batch.records, e.getMessage(), retryBackoff.toMillis());
            metrics.failure();
            markUnpositioned(polled);
            pause(retryBackoff);
            return false;
        }
        yieldToGateway(took);
        return true;
    }

    /** Waits after a committed batch while this JVM's gateway is busy; records the time waited. */
    private void yieldToGateway(long batchNanos) {
        long wait = pacing.pauseAfter(batchNanos);
        if (wait <= 0) {
            return;
        }
        long from = ticker.nanoTime();
        pause(Duration.ofNanos(wait));
        metrics.paced(ticker.nanoTime() - from);
    }

    private void decode(ConsumerRecord<String, byte[]> r, RollupBatch batch) {
        try {
            if (Topics.USAGE.equals(r.topic())) {
                batch.add(decoder.usage(r.value(), r.timestamp() < 0 ? null : Instant.ofEpochMilli(r.timestamp())));
            } else {
                batch.add(decoder.outcome(r.value()));
            }
        } catch (InvalidEventException e) {
            batch.deadLetters.add(new DeadLetter(
                    r.topic(), r.partition(), r.offset(), r.key(), r.timestamp(), r.value(), e.getMessage()));
        } catch (RuntimeException e) {
            // A bug in the decoder, not a bad record: retrying the batch would fail on it forever and
            // stall every partition behind it. The record is kept whole in the DLQ, so it can be
            // replayed once the decoder is fixed; the log line carries the stack for the fix.
            LOG.errorf(
                    e,
                    "aggregator %s: the decoder failed on %s-%d at offset %d; the record goes to the DLQ",
                    name,
                    r.topic(),
                    r.partition(),
                    r.offset());
            batch.deadLetters.add(new DeadLetter(
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    r.key(),
                    r.timestamp(),
                    r.value(),
                    EventDecoder.clip("the decoder failed: " + e)));
        }
    }

    private void commitToKafkaBestEffort(Map<TopicPartition, Long> next) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
        consumer.commitAsync(offsets, (o, e) -> {
            if (e != null) {
                LOG.debugf("best-effort Kafka offset commit failed (offsets are in PostgreSQL): %s", e.getMessage());
            }
        });
    }

    /** Pauses the partitions and forgets their position; {@link #positionPaused} seeks them again. */
    private void markUnpositioned(Collection<TopicPartition> partitions) {
        Set<TopicPartition> mine = new HashSet<>(partitions);
        mine.retainAll(consumer.assignment());
        consumer.pause(mine);
        unpositioned.addAll(mine);
    }

    private void positionPaused() {
        Set<TopicPartition> todo = new HashSet<>(unpositioned);
        todo.retainAll(consumer.assignment());
        unpositioned.retainAll(todo);
        if (todo.isEmpty()) {
            return;
        }
        try {
            Map<TopicPartition, Long> offsets = store.offsets(groupId, todo);
            for (TopicPartition tp : todo) {
                Long o = offsets.get(tp);
                if (o != null) {
                    consumer.seek(tp, o);
                    stored.put(tp, o);
                } else {
                    consumer.seekToBeginning(List.of(tp));
                    stored.remove(tp);
                }
            }
            consumer.resume(todo);
            unpositioned.removeAll(todo);
        } catch (Exception e) {
            LOG.errorf(
                    "aggregator %s cannot read its stored offsets (%s); retrying in %d ms",
                    name, e.getMessage(), retryBackoff.toMillis());
            pause(retryBackoff);
        }
    }

    private void pause(Duration d) {
        try {
            closing.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            owned.addAll(partitions);
            markUnpositioned(partitions);
            positionPaused();
            if (!partitions.isEmpty()) {
                LOG.debugf("aggregator %s assigned %s", name, partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Every batch is committed before the next poll, so there is nothing in flight to commit.
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            owned.removeAll(partitions);
            unpositioned.removeAll(partitions);
            partitions.forEach(stored::remove);
        }
    }

    /** Stops after the batch in hand is committed (or rolled back) and leaves the group. */
    @Override
    public void close() {
        running = false;
        closing.countDown();
        consumer.wakeup();
        try {
            if (thread.isAlive() && !stoppedWithin(Duration.ofSeconds(30))) {
                LOG.warnf("aggregator consumer %s did not stop within 30 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean stoppedWithin(Duration d) throws InterruptedException {
        thread.join(d.toMillis());
        return !thread.isAlive();
    }
}
