package dev.tally.alert.channel;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.alert.channel.AlertEvents.Incoming;
import dev.tally.alert.channel.AlertEvents.InvalidAlert;
import dev.tally.events.Topics;

/**
 * One member of the {@code tally-alerts} group on its own thread: each polled alert is stored with its
 * pending deliveries, then the offsets are committed. A crash between the two reads the alerts again,
 * which changes nothing (the outbox's key is (alert, channel)); so alerts are read at least once and
 * delivered once. A message that is not an alert is logged and skipped.
 */
public final class AlertConsumer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AlertConsumer.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Duration pollTimeout;
    private final DeliveryStore store;
    private final AlertDeliveries deliveries;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean running = true;

    AlertConsumer(
            String name,
            Map<String, Object> props,
            AlertConfig config,
            DeliveryStore store,
            AlertDeliveries deliveries,
            ObjectMapper mapper,
            Clock clock) {
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(props);
        this.pollTimeout = config.pollTimeout();
        this.store = store;
        this.deliveries = deliveries;
        this.mapper = mapper;
        this.clock = clock;
        this.thread = new Thread(this::run, "tally-alerts-" + name);
    }

    public AlertConsumer start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.ALERTS));
            while (running) {
                try {
                    ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                    if (!records.isEmpty()) {
                        process(records);
                    }
                } catch (WakeupException e) {
                    // close() was called: the loop condition decides
                } catch (RuntimeException e) {
                    LOG.errorf("alert consumer: %s; retrying in %d ms", e.getMessage(), RETRY.toMillis());
                    pause();
                }
            }
        } finally {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debugf("closing alert consumer: %s", e.getMessage());
            }
        }
    }

    private void process(ConsumerRecords<String, byte[]> records) {
        int added = 0;
        try {
            for (ConsumerRecord<String, byte[]> r : records) {
                added += store(r);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.errorf(
                    "alert consumer: cannot store alerts (%s); reading them again in %d ms",
                    e.getMessage(), RETRY.toMillis());
            rewind(records);
            pause();
            return;
        }
        if (added > 0) {
            deliveries.wake();
        }
        consumer.commitSync();
    }

    private int store(ConsumerRecord<String, byte[]> r) throws SQLException {
        Incoming in;
        try {
            in = AlertEvents.parse(r.value(), mapper);
        } catch (InvalidAlert e) {
            LOG.warnf("alert consumer: skipped %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e.getMessage());
            return 0;
        }
        return store.record(in.alert(), in.channelIds(), clock.instant());
    }

    /** Back to the first record of the batch on each partition: storing them again is harmless. */
    private void rewind(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            first.put(tp, records.records(tp).get(0).offset());
        }
        first.forEach(consumer::seek);
    }

    private void pause() {
        try {
            closing.await(RETRY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops after the batch in hand and leaves the group. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        closing.countDown();
        consumer.wakeup();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
