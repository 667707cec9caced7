package dev.tally.alert.channel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

/** The read side of the outbox: recent alerts with their deliveries, and the delivery log. */
@Singleton
public class DeliveryLog {

    /** An alert without a period counts as open for this long after it was raised. */
    static final Duration OPEN_WITHOUT_PERIOD = Duration.ofDays(7);

    private final DataSource dataSource;

    public DeliveryLog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One delivery of one alert to one channel, as the log shows it. */
    public record Entry(
            String alertId,
            AlertKind kind,
            String scopeName,
            UUID channelId,
            String channelName,
            String channelType,
            boolean channelDeleted,
            DeliveryStatus status,
            int attempts,
            String lastError,
            Instant lastAttemptAt,
            Instant nextAttemptAt,
            Instant deliveredAt) {}

    public record AlertEntry(Alert alert, List<Entry> deliveries) {}

    /** Deliveries per status, and the latest ones. */
    public record Summary(Map<DeliveryStatus, Long> counts, List<Entry> recent) {
        public long count(DeliveryStatus status) {
            return counts.getOrDefault(status, 0L);
        }
    }

    private static final String ENTRY =
            "SELECT d.alert_id, a.kind, a.scope_name, d.channel_id, c.name AS channel_name, "
                    + "c.type AS channel_type, c.deleted_at IS NOT NULL AS channel_deleted, d.status, d.attempts, d.last_error, "
                    + "d.last_attempt_at, d.next_attempt_at, d.delivered_at FROM alert_delivery d "
                    + "JOIN alert a ON a.id = d.alert_id JOIN alert_channel c ON c.id = d.channel_id ";

    /** The latest alerts (digests left out), newest first, each with its deliveries. */
    public List<AlertEntry> recentAlerts(int limit) {
        Map<String, AlertEntry> out = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + DeliveryStore.ALERT_COLUMNS
                    + " FROM alert a WHERE a.kind <> 'digest' ORDER BY a.at DESC, a.id LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Alert a = DeliveryStore.alert(rs);
                        out.put(a.id(), new AlertEntry(a, new ArrayList<>()));
                    }
                }
            }
            if (!out.isEmpty()) {
                try (PreparedStatement ps =
                        c.prepareStatement(ENTRY + "WHERE d.alert_id = ANY (?) ORDER BY lower(c.name)")) {
                    ps.setArray(1, c.createArrayOf("text", out.keySet().toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            Entry e = entry(rs);
                            out.get(e.alertId()).deliveries().add(e);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading recent alerts", e);
        }
        return List.copyOf(out.values());
    }

    /** The delivery log: counts per status and the {@code limit} latest attempts. */
    public Summary summary(int limit) {
        Map<DeliveryStatus, Long> counts = new EnumMap<>(DeliveryStatus.class);
        List<Entry> recent = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT status, count(*) FROM alert_delivery GROUP BY status");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(DeliveryStatus.of(rs.getString(1)), rs.getLong(2));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    ENTRY + "ORDER BY coalesce(d.last_attempt_at, d.created_at) DESC, d.alert_id LIMIT ?")) {
                ps.setInt(1, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        recent.add(entry(rs));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading the delivery log", e);
        }
        return new Summary(counts, recent);
    }

    /** Alerts still open at {@code now}: their period has not ended (or, without one, raised in the last 7 days). */
    public List<Alert> open(Instant now, int limit) {
        List<Alert> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + DeliveryStore.ALERT_COLUMNS + " FROM alert a "
                        + "WHERE a.kind <> 'digest' AND a.at <= ? AND (a.period_end > ? OR (a.period_end IS NULL "
                        + "AND a.at > ?)) ORDER BY a.at DESC, a.id LIMIT ?")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setTimestamp(3, Timestamp.from(now.minus(OPEN_WITHOUT_PERIOD)));
            ps.setInt(4, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(DeliveryStore.alert(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading open alerts", e);
        }
        return out;
    }

    private static Entry entry(ResultSet rs) throws SQLException {
        return new Entry(
                rs.getString("alert_id"),
                AlertKind.of(rs.getString("kind")),
                rs.getString("scope_name"),
                rs.getObject("channel_id", UUID.class),
                rs.getString("channel_name"),
                rs.getString("channel_type"),
                rs.getBoolean("channel_deleted"),
                DeliveryStatus.of(rs.getString("status")),
                rs.getInt("attempts"),
                rs.getString("last_error"),
                DeliveryStore.instant(rs, "last_attempt_at"),
                DeliveryStore.instant(rs, "next_attempt_at"),
                DeliveryStore.instant(rs, "delivered_at"));
    }
}
