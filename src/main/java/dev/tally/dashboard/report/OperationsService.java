package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.qute.TemplateData;

import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.PipelineSnapshot;
import dev.tally.rollup.PipelineStatus;

/**
 * The pipeline's health for the operations page: the aggregator's cached {@link PipelineSnapshot}
 * (lag per partition, last batch, DLQ counts, rate), the latest DLQ reasons, and the spool gauges
 * ({@code tally.events.spool.*}) when this instance registers them. What is unavailable is null
 * ("n/a"), never 0.
 */
@ApplicationScoped
public class OperationsService {

    @TemplateData
    public record DlqEntry(String topic, int partition, long offset, String reason, Instant receivedAt) {}

    @TemplateData
    public record Gauge(String name, String tags, double value) {
        public String display() {
            return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /**
     * @param pipeline          the aggregator's latest snapshot
     * @param spool             spool gauges; empty when this instance has none (shown as n/a)
     * @param definitionsError  the refused dashboards/ change, or null
     */
    @TemplateData
    public record Status(
            PipelineSnapshot pipeline,
            List<DlqEntry> recentDlq,
            List<Gauge> spool,
            String definitionsError,
            String definitionsOrigin,
            Instant now,
            ZoneId zone) {

        /** Seconds since the last batch commit; null before the first. */
        public Long secondsSinceLastBatch() {
            return pipeline.lastBatchAt() == null
                    ? null
                    : Duration.between(pipeline.lastBatchAt(), now).toSeconds();
        }

        /** Lag in messages; null while Kafka could not be asked (a stale number would mislead). */
        public Long lag() {
            return pipeline.takenAt() == null || !pipeline.kafkaReachable() ? null : pipeline.totalLag();
        }

        public Long spoolRecords() {
            return spool.stream()
                    .filter(g -> g.name().endsWith("spool.records"))
                    .map(g -> (long) g.value())
                    .findFirst()
                    .orElse(null);
        }

        /**
         * "17:24:14 Europe/Berlin" in the organisation's zone (with the date when it is not today): a
         * time a person reads, not an ISO stamp.
         */
        public String lastBatchTime() {
            Instant at = pipeline.lastBatchAt();
            if (at == null) {
                return null;
            }
            ZonedDateTime z = at.atZone(zone);
            boolean today = z.toLocalDate().equals(LocalDate.ofInstant(now, zone));
            return DateTimeFormatter.ofPattern(today ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss")
                            .format(z) + " " + zone.getId();
        }

        /** One sentence on the spool: is Kafka reachable, how much waits on disk, out of how much room. */
        public String spoolNote() {
            if (spool.isEmpty()) {
                return "no event spool on this instance";
            }
            Double spooling = gauge("spooling");
            Double bytes = gauge("spool.bytes");
            Double max = gauge("spool.max.bytes");
            String room = bytes == null ? "" : bytes(bytes) + (max == null ? "" : " of " + bytes(max)) + " on disk";
            if (spooling != null && spooling > 0) {
                return "Kafka unreachable: events wait on disk" + (room.isEmpty() ? "" : " (" + room + ")");
            }
            return "Kafka reachable: nothing waits" + (room.isEmpty() ? "" : " (" + room + ")");
        }

        private Double gauge(String suffix) {
            return spool.stream()
                    .filter(g -> g.name().endsWith("." + suffix))
                    .map(Gauge::value)
                    .findFirst()
                    .orElse(null);
        }

        private static String bytes(double b) {
            String[] units = {"B", "KB", "MB", "GB", "TB"};
            int u = 0;
            while (b >= 1024 && u < units.length - 1) {
                b /= 1024;
                u++;
            }
            return (u == 0 ? String.format(Locale.ROOT, "%.0f", b) : String.format(Locale.ROOT, "%.1f", b)) + " "
                    + units[u];
        }

        public String eventsPerSecond() {
            return String.format(Locale.ROOT, "%.1f", pipeline.eventsPerSecond());
        }
    }

    private final DataSource dataSource;
    private final PipelineStatus pipeline;
    private final MeterRegistry registry;
    private final DashboardCatalog catalog;

    private final OrgCalendar calendar;

    public OperationsService(
            DataSource dataSource,
            PipelineStatus pipeline,
            MeterRegistry registry,
            DashboardCatalog catalog,
            OrgCalendar calendar) {
        this.calendar = calendar;
        this.dataSource = dataSource;
        this.pipeline = pipeline;
        this.registry = registry;
        this.catalog = catalog;
    }

    public Status status() {
        List<DlqEntry> recent = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT topic, partition, kafka_offset, reason, received_at FROM dlq_entry ORDER BY id DESC LIMIT 20");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                recent.add(new DlqEntry(
                        rs.getString(1),
                        rs.getInt(2),
                        rs.getLong(3),
                        rs.getString(4),
                        rs.getObject(5, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the dead-letter entries failed: " + e.getMessage(), e);
        }
        List<Gauge> spool = new ArrayList<>();
        for (Meter m : registry.getMeters()) {
            String name = m.getId().getName();
            if (name.startsWith("tally.events.spool") || name.startsWith("tally.spool")) {
                m.measure()
                        .forEach(ms ->
                                spool.add(new Gauge(name, m.getId().getTags().toString(), ms.getValue())));
            }
        }
        return new Status(
                pipeline.current(),
                recent,
                spool,
                catalog.lastError().orElse(null),
                catalog.current().origin(),
                calendar.clock().instant(),
                calendar.zone());
    }
}
