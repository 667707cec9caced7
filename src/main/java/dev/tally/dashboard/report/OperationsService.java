package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.events.Topics;
import dev.tally.platform.KafkaClients;

/**
 * The pipeline's health for the operations page, from what exists: consumer_offset against the
 * topics' end offsets (lag), dlq_entry, and the spool gauges ({@code tally.spool.*}) when the
 * events package registers them. Anything unavailable is reported as null ("n/a"), never as 0.
 */
@ApplicationScoped
public class OperationsService {

    private static final Logger LOG = Logger.getLogger(OperationsService.class);

    @io.quarkus.qute.TemplateData
    public record PartitionLag(String group, String topic, int partition, long nextOffset, Long endOffset, Long lag,
            Instant updatedAt) {
    }

    @io.quarkus.qute.TemplateData
    public record DlqEntry(String topic, int partition, long offset, String reason, Instant receivedAt) {
    }

    @io.quarkus.qute.TemplateData
    public record Gauge(String name, String tags, double value) {
    }

    /**
     * @param lag        summed over partitions; null when Kafka could not be asked
     * @param lastRollup when the aggregator last stored offsets; null before its first batch
     */
    @io.quarkus.qute.TemplateData
    public record Status(Long lag, List<PartitionLag> partitions, Instant lastRollup, long dlqTotal, long dlqLast24h,
            List<DlqEntry> recentDlq, List<Gauge> spool, String kafkaError, String definitionsError,
            String definitionsOrigin) {
        public Long lagSeconds() {
            return lastRollup == null ? null : Duration.between(lastRollup, Instant.now()).toSeconds();
        }
    }

    private final DataSource dataSource;
    private final KafkaClients kafka;
    private final MeterRegistry registry;
    private final DashboardCatalog catalog;
    private Admin admin;

    public OperationsService(DataSource dataSource, KafkaClients kafka, MeterRegistry registry, DashboardCatalog catalog) {
        this.dataSource = dataSource;
        this.kafka = kafka;
        this.registry = registry;
        this.catalog = catalog;
    }

    public Status status() {
        List<PartitionLag> parts = new ArrayList<>();
        long dlqTotal;
        long dlq24;
        List<DlqEntry> recent = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT group_id, topic, partition, next_offset, updated_at FROM consumer_offset ORDER BY group_id, topic, partition");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    parts.add(new PartitionLag(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getLong(4), null, null,
                            rs.getObject(5, OffsetDateTime.class).toInstant()));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*), count(*) FILTER (WHERE received_at > now() - interval '24 hours') FROM dlq_entry");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                dlqTotal = rs.getLong(1);
                dlq24 = rs.getLong(2);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT topic, partition, kafka_offset, reason, received_at FROM dlq_entry ORDER BY id DESC LIMIT 20");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    recent.add(new DlqEntry(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4),
                            rs.getObject(5, OffsetDateTime.class).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading pipeline state failed: " + e.getMessage(), e);
        }
        String kafkaError = null;
        Long totalLag = null;
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            for (PartitionLag p : parts) {
                ask.put(new TopicPartition(p.topic(), p.partition()), OffsetSpec.latest());
            }
            if (!ask.isEmpty()) {
                admin().listOffsets(ask).all().get(3, TimeUnit.SECONDS)
                        .forEach((tp, info) -> ends.put(tp, info.offset()));
            }
            totalLag = 0L;
        } catch (Exception e) {
            kafkaError = "Kafka did not answer: " + e.getMessage();
            LOG.debugf("operations: %s", kafkaError);
        }
        List<PartitionLag> withLag = new ArrayList<>();
        for (PartitionLag p : parts) {
            Long end = ends.get(new TopicPartition(p.topic(), p.partition()));
            Long lag = end == null ? null : Math.max(0, end - p.nextOffset());
            if (lag != null && totalLag != null) {
                totalLag += lag;
            }
            withLag.add(new PartitionLag(p.group(), p.topic(), p.partition(), p.nextOffset(), end, lag, p.updatedAt()));
        }
        Instant last = parts.stream().map(PartitionLag::updatedAt).max(Instant::compareTo).orElse(null);
        List<Gauge> spool = new ArrayList<>();
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            if (name.startsWith("tally.spool")) {
                m.measure().forEach(ms -> spool.add(new Gauge(name, m.getId().getTags().toString(), ms.getValue())));
            }
        }
        return new Status(parts.isEmpty() ? null : totalLag, withLag, last, dlqTotal, dlq24, recent, spool, kafkaError,
                catalog.lastError().orElse(null), catalog.current().origin());
    }

    /** Topics the aggregator should be consuming: listed even before it stored an offset. */
    public static List<String> pipelineTopics() {
        return List.of(Topics.USAGE, Topics.OUTCOMES);
    }

    private synchronized Admin admin() {
        if (admin == null) {
            Map<String, Object> props = new HashMap<>(kafka.common("tally-dashboard-ops"));
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000);
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
            admin = Admin.create(props);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
