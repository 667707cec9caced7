package dev.tally.rollup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.tally.events.Topics;
import dev.tally.platform.KafkaClients;
import dev.tally.platform.StartGate;

/**
 * Pipeline health for the operations page: lag per partition, last batch, DLQ count, rate.
 * {@link #current()} never touches Kafka or the database: a background thread refreshes a cached
 * snapshot every {@code tally.aggregator.status-refresh}, with short Kafka timeouts, so a page
 * render never waits on a slow or absent broker.
 */
@ApplicationScoped
public class PipelineStatus {

    private static final Logger LOG = Logger.getLogger(PipelineStatus.class);
    private static final List<String> TOPICS = List.of(Topics.USAGE, Topics.OUTCOMES);

    private final AggregatorConfig config;
    private final KafkaClients clients;
    private final DataSource dataSource;
    private volatile PipelineSnapshot snapshot = PipelineSnapshot.empty();
    private ScheduledExecutorService refresher;
    private Admin admin;
    private long previousCommitted = -1;
    private long previousAtNanos;

    public PipelineStatus(AggregatorConfig config, KafkaClients clients, DataSource dataSource) {
        this.config = config;
        this.clients = clients;
        this.dataSource = dataSource;
    }

    /** The latest snapshot; immediate. */
    public PipelineSnapshot current() {
        return snapshot;
    }

    void onStart(@Observes StartupEvent ev) {
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-pipeline-status");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(500, config.statusRefresh().toMillis());
        refresher.scheduleWithFixedDelay(this::refreshQuietly, 0, every, TimeUnit.MILLISECONDS);
    }

    private void refreshQuietly() {
        try {
            // an embedded broker still starting: the first look at Kafka waits until it listens,
            // rather than filling the start's log with the Kafka client's connection warnings
            StartGate.BROKER.await();
            refresh();
        } catch (RuntimeException e) {
            LOG.debugf("pipeline status refresh failed: %s", e.getMessage());
        }
    }

    /** Takes a new snapshot now (the background thread calls it; tests may too). */
    public synchronized PipelineSnapshot refresh() {
        Instant now = Instant.now();
        Map<TopicPartition, Long> stored = new HashMap<>();
        Instant lastBatch = null;
        long dlqTotal = 0;
        long dlq24h = 0;
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT topic, partition, next_offset, updated_at FROM consumer_offset WHERE group_id = ?")) {
                ps.setString(1, config.groupId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                        Timestamp ts = rs.getTimestamp(4);
                        if (ts != null && (lastBatch == null || ts.toInstant().isAfter(lastBatch))) {
                            lastBatch = ts.toInstant();
                        }
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT count(*), count(*) FILTER (WHERE received_at > now() - interval '24 hours')
                    FROM dlq_entry""");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                dlqTotal = rs.getLong(1);
                dlq24h = rs.getLong(2);
            }
        } catch (SQLException e) {
            PipelineSnapshot old = snapshot;
            snapshot = new PipelineSnapshot(
                    now,
                    old.kafkaReachable(),
                    "database: " + e.getMessage(),
                    old.partitions(),
                    old.totalLag(),
                    old.lastBatchAt(),
                    old.dlqTotal(),
                    old.dlqLast24h(),
                    old.eventsPerSecond());
            return snapshot;
        }
        long committed = stored.entrySet().stream()
                .filter(e -> TOPICS.contains(e.getKey().topic()))
                .mapToLong(Map.Entry::getValue)
                .sum();
        long nowNanos = System.nanoTime();
        double rate = 0;
        if (previousCommitted >= 0 && nowNanos > previousAtNanos) {
            rate = Math.max(0, committed - previousCommitted) / ((nowNanos - previousAtNanos) / 1e9);
        }
        previousCommitted = committed;
        previousAtNanos = nowNanos;

        List<PipelineSnapshot.PartitionLag> lags = new ArrayList<>();
        boolean reachable = true;
        String error = null;
        try {
            Map<TopicPartition, Long[]> ends = endOffsets();
            for (Map.Entry<TopicPartition, Long[]> e : ends.entrySet()) {
                TopicPartition tp = e.getKey();
                long start = e.getValue()[0];
                long end = e.getValue()[1];
                Long next = stored.get(tp);
                long lag = Math.max(0, end - (next == null ? start : Math.max(next, start)));
                lags.add(new PipelineSnapshot.PartitionLag(tp.topic(), tp.partition(), end, next, lag));
            }
            lags.sort(Comparator.comparing(PipelineSnapshot.PartitionLag::topic)
                    .thenComparingInt(PipelineSnapshot.PartitionLag::partition));
        } catch (Exception e) {
            reachable = false;
            error = "kafka: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            lags = snapshot.partitions();
        }
        long total = lags.stream().mapToLong(PipelineSnapshot.PartitionLag::lag).sum();
        snapshot = new PipelineSnapshot(
                now, reachable, error, List.copyOf(lags), total, lastBatch, dlqTotal, dlq24h, rate);
        return snapshot;
    }

    /** [earliest, latest committed-visible] offsets of every partition of the two topics. */
    private Map<TopicPartition, Long[]> endOffsets() throws Exception {
        Admin a = admin();
        Map<String, TopicDescription> topics =
                a.describeTopics(TOPICS).allTopicNames().get(3, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        topics.values()
                .forEach(t -> t.partitions().forEach(p -> {
                    TopicPartition tp = new TopicPartition(t.name(), p.partition());
                    latest.put(tp, OffsetSpec.latest());
                    earliest.put(tp, OffsetSpec.earliest());
                }));
        ListOffsetsOptions opts = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(3000);
        var ends = a.listOffsets(latest, opts).all().get(3, TimeUnit.SECONDS);
        var starts = a.listOffsets(earliest, opts).all().get(3, TimeUnit.SECONDS);
        Map<TopicPartition, Long[]> out = new HashMap<>();
        ends.forEach((tp, info) -> out.put(tp, new Long[] {starts.get(tp).offset(), info.offset()}));
        return out;
    }

    private Admin admin() {
        if (admin == null) {
            var props = clients.common("tally-pipeline-status");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            admin = Admin.create(props);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
            admin = null;
        }
    }
}
