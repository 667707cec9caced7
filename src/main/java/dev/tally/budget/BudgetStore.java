package dev.tally.budget;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Budgets in PostgreSQL. Every change moves {@code budget_version} in its transaction: gateways
 * reload their budgets when it moves (one tiny read per refresh instead of the whole table).
 */
@Singleton
public class BudgetStore {

    private static final String COLUMNS = "id, name, scope, scope_id, period, amount_nanos, mode, thresholds, "
            + "downgrade_from_percent, downgrade_models, unpriced, channel_ids, spike, updated_at";

    private final DataSource dataSource;
    private final ObjectMapper json;

    public BudgetStore(DataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json;
    }

    public List<Budget> all() {
        try (Connection c = dataSource.getConnection()) {
            return all(c);
        } catch (SQLException e) {
            throw new IllegalStateException("reading budgets: " + e.getMessage(), e);
        }
    }

    public List<Budget> all(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM budget ORDER BY name, id");
                ResultSet rs = ps.executeQuery()) {
            List<Budget> out = new ArrayList<>();
            while (rs.next()) {
                out.add(read(rs));
            }
            return out;
        }
    }

    public Optional<Budget> get(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM budget WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading budget " + id + ": " + e.getMessage(), e);
        }
    }

    /** The version every change moves; a gateway reloads when it differs from the one it holds. */
    public static long version(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM budget_version");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Transactional(TxType.MANDATORY)
    public void insert(Budget b) {
        write(
                "INSERT INTO budget (name, scope, scope_id, period, amount_nanos, mode, thresholds, "
                        + "downgrade_from_percent, downgrade_models, unpriced, channel_ids, spike, id) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?)",
                b);
    }

    /** False when there is no such budget. */
    @Transactional(TxType.MANDATORY)
    public boolean update(Budget b) {
        return write(
                        "UPDATE budget SET name = ?, scope = ?, scope_id = ?, period = ?, amount_nanos = ?, mode = ?, "
                                + "thresholds = ?, downgrade_from_percent = ?, downgrade_models = ?::jsonb, unpriced = ?, "
                                + "channel_ids = ?, spike = ?::jsonb, updated_at = now() WHERE id = ?",
                        b)
                == 1;
    }

    @Transactional(TxType.MANDATORY)
    public boolean delete(UUID id) {
        return changed(c -> {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM budget WHERE id = ?")) {
                        ps.setObject(1, id);
                        return ps.executeUpdate();
                    }
                })
                == 1;
    }

    /** Resumes a paused key; false when it was not paused. */
    @Transactional(TxType.MANDATORY)
    public boolean resumeKey(UUID keyId) {
        return changed(c -> {
                    try (PreparedStatement ps = c.prepareStatement("DELETE FROM key_pause WHERE key_id = ?")) {
                        ps.setObject(1, keyId);
                        return ps.executeUpdate();
                    }
                })
                == 1;
    }

    /** Paused keys and why. */
    public static List<UUID> pausedKeys(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT key_id FROM key_pause");
                ResultSet rs = ps.executeQuery()) {
            List<UUID> out = new ArrayList<>();
            while (rs.next()) {
                out.add(rs.getObject(1, UUID.class));
            }
            return out;
        }
    }

    private int write(String sql, Budget b) {
        return changed(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, b.name());
                ps.setString(2, b.scope().json());
                ps.setString(3, b.scopeId());
                ps.setString(4, b.period().json());
                ps.setLong(5, b.amountNanos());
                ps.setString(6, b.mode().json());
                ps.setArray(7, c.createArrayOf("int4", b.thresholds().toArray()));
                if (b.mode() == BudgetMode.DOWNGRADE) {
                    ps.setInt(8, b.downgradeFromPercent());
                    ps.setString(9, toJson(b.downgrades()));
                } else {
                    ps.setNull(8, Types.INTEGER);
                    ps.setNull(9, Types.VARCHAR);
                }
                ps.setString(10, b.unpriced().json());
                ps.setArray(11, c.createArrayOf("uuid", b.channelIds().toArray()));
                ps.setString(12, b.spike() == null ? null : toJson(b.spike()));
                ps.setObject(13, b.id());
                return ps.executeUpdate();
            }
        });
    }

    @FunctionalInterface
    private interface Change {
        int apply(Connection c) throws SQLException;
    }

    /**
     * Runs {@code change} and moves the version when it changed a row, in the caller's transaction
     * ({@code BudgetService}'s), which also holds the change's audit entry: the three commit or roll
     * back together.
     */
    private int changed(Change change) {
        try (Connection c = dataSource.getConnection()) {
            int n = change.apply(c);
            if (n > 0) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE budget_version SET version = version + 1")) {
                    ps.executeUpdate();
                }
            }
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException("changing budgets: " + e.getMessage(), e);
        }
    }

    private Budget read(ResultSet rs) throws SQLException {
        Integer[] thresholds = (Integer[]) rs.getArray("thresholds").getArray();
        String down = rs.getString("downgrade_models");
        String spike = rs.getString("spike");
        Array channels = rs.getArray("channel_ids");
        Timestamp updated = rs.getTimestamp("updated_at");
        return new Budget(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                Scope.valueOf(rs.getString("scope").toUpperCase(Locale.ROOT)),
                rs.getString("scope_id"),
                Period.valueOf(rs.getString("period").toUpperCase(Locale.ROOT)),
                rs.getLong("amount_nanos"),
                BudgetMode.valueOf(rs.getString("mode").toUpperCase(Locale.ROOT)),
                List.of(thresholds),
                rs.getInt("downgrade_from_percent"),
                down == null ? List.of() : fromJson(down, new TypeReference<List<Downgrade>>() {}),
                UnpricedPolicy.valueOf(rs.getString("unpriced").toUpperCase(Locale.ROOT)),
                List.copyOf(Arrays.asList((UUID[]) channels.getArray())),
                spike == null ? null : fromJson(spike, new TypeReference<SpikeRule>() {}),
                updated == null ? Instant.EPOCH : updated.toInstant());
    }

    private String toJson(Object o) {
        try {
            return json.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T fromJson(String s, TypeReference<T> type) {
        try {
            // lenient: a row may have been written by a newer Tally, with a field this one lacks
            return json.readerFor(type)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a budget's stored JSON is unreadable: " + e.getMessage(), e);
        }
    }
}
