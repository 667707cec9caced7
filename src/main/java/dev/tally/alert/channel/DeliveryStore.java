package dev.tally.alert.channel;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Singleton;

/**
 * The outbox of alert deliveries in PostgreSQL. One row per (alert, channel) is what makes an alert
 * delivered once however often it is read; the claim ({@code FOR UPDATE SKIP LOCKED} plus a lease)
 * is what lets several instances share the work without sending a row twice at the same time.
 */
@Singleton
public class DeliveryStore {

    static final String ALERT_COLUMNS = "a.id, a.kind, a.scope, a.scope_id, a.scope_name, a.budget_id, a.threshold, "
            + "a.spent_nanos, a.limit_nanos, a.projected_nanos, a.projected_exhausted_at, a.period_start, "
            + "a.period_end, a.link, a.at, a.event";

    private final DataSource dataSource;

    public DeliveryStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A delivery claimed for one attempt; {@code attempt} fences the result against a later claim. */
    public record Claimed(String alertId, UUID channelId, int attempt) {}

    /**
     * Stores an alert (once: a repeat of its id changes nothing) and a pending delivery for each of the
     * channels that exist; returns how many deliveries are new.
     */
    public int record(Alert a, Collection<UUID> channels, Instant now) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insertAlert(c, a, now);
                int added = 0;
                if (!channels.isEmpty()) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_delivery (alert_id, channel_id, "
                            + "status, next_attempt_at, created_at) SELECT ?, id, 'pending', ?, ? FROM alert_channel "
                            + "WHERE id = ANY (?) AND deleted_at IS NULL ON CONFLICT DO NOTHING")) {
                        ps.setString(1, a.id());
                        ps.setTimestamp(2, Timestamp.from(now));
                        ps.setTimestamp(3, Timestamp.from(now));
                        ps.setArray(4, c.createArrayOf("uuid", channels.toArray()));
                        added = ps.executeUpdate();
                    }
                }
                c.commit();
                return added;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void insertAlert(Connection c, Alert a, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert (id, kind, scope, scope_id, scope_name, "
                + "budget_id, threshold, spent_nanos, limit_nanos, projected_nanos, projected_exhausted_at, "
                + "period_start, period_end, link, at, received_at, event) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                + "ON CONFLICT (id) DO NOTHING")) {
            ps.setString(1, a.id());
            ps.setString(2, a.kind().apiName());
            ps.setString(3, a.scope());
            ps.setString(4, a.scopeId());
            ps.setString(5, a.scopeName());
            ps.setObject(6, a.budgetId());
            ps.setObject(7, a.threshold());
            ps.setObject(8, a.spentNanos());
            ps.setObject(9, a.limitNanos());
            ps.setObject(10, a.projectedNanos());
            ps.setTimestamp(11, ts(a.projectedExhaustedAt()));
            ps.setTimestamp(12, ts(a.periodStart()));
            ps.setTimestamp(13, ts(a.periodEnd()));
            ps.setString(14, a.link());
            ps.setTimestamp(15, ts(a.at()));
            ps.setTimestamp(16, ts(now));
            ps.setString(17, a.event());
            ps.executeUpdate();
        }
    }

    /** Claims up to {@code limit} due deliveries (and those whose lease ran out) for one attempt each. */
    public List<Claimed> claim(Instant now, Duration lease, int limit) throws SQLException {
        List<Claimed> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE alert_delivery d SET status = 'sending', "
                        + "attempts = d.attempts + 1, lease_until = ?, last_attempt_at = ? FROM (SELECT alert_id, "
                        + "channel_id FROM alert_delivery WHERE (status = 'pending' AND next_attempt_at <= ?) OR "
                        + "(status = 'sending' AND lease_until <= ?) ORDER BY next_attempt_at LIMIT ? "
                        + "FOR UPDATE SKIP LOCKED) due WHERE d.alert_id = due.alert_id AND d.channel_id = due.channel_id "
                        + "RETURNING d.alert_id, d.channel_id, d.attempts")) {
            c.setAutoCommit(true);
            ps.setTimestamp(1, ts(now.plus(lease)));
            ps.setTimestamp(2, ts(now));
            ps.setTimestamp(3, ts(now));
            ps.setTimestamp(4, ts(now));
            ps.setInt(5, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Claimed(rs.getString(1), rs.getObject(2, UUID.class), rs.getInt(3)));
                }
            }
        }
        return out;
    }

    public void delivered(Claimed d, Instant now) throws SQLException {
        // last_error stays: the log shows what the earlier attempts met
        finish(d, "status = 'delivered', delivered_at = ?", now, null, null);
    }

    /** A failed attempt: pending again at {@code retryAt}, or failed for good when {@code retryAt} is null. */
    public void failed(Claimed d, String error, Instant retryAt) throws SQLException {
        if (retryAt == null) {
            finish(d, "status = 'failed', last_error = ?", null, error, null);
        } else {
            finish(d, "status = 'pending', last_error = ?, next_attempt_at = ?", null, error, retryAt);
        }
    }

    public void cancelled(Claimed d, String reason) throws SQLException {
        finish(d, "status = 'cancelled', last_error = ?", null, reason, null);
    }

    private void finish(Claimed d, String set, Instant deliveredAt, String error, Instant retryAt) throws SQLException {
        // Fenced by status and attempt: if the lease ran out and another instance claimed the row, this
        // (late) result does not overwrite the newer attempt's.
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE alert_delivery SET " + set + ", lease_until = NULL "
                        + "WHERE alert_id = ? AND channel_id = ? AND status = 'sending' AND attempts = ?")) {
            int i = 1;
            if (deliveredAt != null) {
                ps.setTimestamp(i++, ts(deliveredAt));
            }
            if (error != null) {
                ps.setString(i++, error);
            }
            if (retryAt != null) {
                ps.setTimestamp(i++, ts(retryAt));
            }
            ps.setString(i++, d.alertId());
            ps.setObject(i++, d.channelId());
            ps.setInt(i, d.attempt());
            ps.executeUpdate();
        }
    }

    public Optional<Alert> alert(String id) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + ALERT_COLUMNS + " FROM alert a WHERE a.id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(alert(rs)) : Optional.empty();
            }
        }
    }

    static Alert alert(ResultSet rs) throws SQLException {
        return new Alert(
                rs.getString("id"),
                AlertKind.of(rs.getString("kind")),
                rs.getString("scope"),
                rs.getString("scope_id"),
                rs.getString("scope_name"),
                rs.getObject("budget_id", UUID.class),
                (Integer) rs.getObject("threshold"),
                (Long) rs.getObject("spent_nanos"),
                (Long) rs.getObject("limit_nanos"),
                (Long) rs.getObject("projected_nanos"),
                instant(rs, "projected_exhausted_at"),
                instant(rs, "period_start"),
                instant(rs, "period_end"),
                rs.getString("link"),
                instant(rs, "at"),
                rs.getString("event"));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }
}
