package dev.tally.identity;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tally.access.LastUse;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.Ticker;

/**
 * The gateway's key lookup: every key in memory by its SHA-256, so that {@link #lookup} never
 * touches the database (it runs on the event loop). A worker thread polls {@code api_key} for rows
 * whose {@code updated_at} moved, so that a revocation made on any instance is seen everywhere
 * within about {@code tally.identity.key-refresh-interval}; changes made on this instance are
 * applied at commit, at once.
 *
 * <p>A {@code @Singleton}, not {@code @ApplicationScoped}: the gateway calls {@link #lookup} on every
 * call, and a singleton is injected as itself, with no client proxy (and its context lookup) in front.
 */
@Singleton
public class KeyCache implements KeyLookup {

    private static final Logger LOG = Logger.getLogger(KeyCache.class);

    private static final String SELECT = """
            SELECT k.id, k.key_hash, k.prefix, k.employee_id, coalesce(k.team_id, e.team_id) AS team_id,
                   k.allowed_models, k.expires_at, k.requests_per_minute, k.tokens_per_minute, k.max_in_flight,
                   k.revoked_at, k.updated_at, k.workload, k.workload_header
              FROM api_key k LEFT JOIN employee e ON e.id = k.employee_id
            """;

    private final DataSource dataSource;
    private final IdentityConfig config;
    private final Roles roles;
    private final Clock clock;
    private final Ticker ticker;
    /** A valid lookup is a use of the key: recorded in memory, written in batches (no write per call). */
    private final LastUse lastUse;

    private final MeterRegistry registry;

    private final Map<String, KeyEntry> byHash = new ConcurrentHashMap<>();
    private final Map<UUID, KeyEntry> byId = new ConcurrentHashMap<>();
    /** Newest updated_at seen (database clock); only the poller thread touches it. */
    private OffsetDateTime watermark;

    private long lastFullLoad;
    private volatile boolean loaded;
    private ScheduledExecutorService poller;

    public KeyCache(
            DataSource dataSource,
            IdentityConfig config,
            Roles roles,
            Clock clock,
            Ticker ticker,
            LastUse lastUse,
            MeterRegistry registry) {
        this.dataSource = dataSource;
        this.config = config;
        this.roles = roles;
        this.clock = clock;
        this.ticker = ticker;
        this.lastUse = lastUse;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent ev) {
        if (!roles.has(Role.GATEWAY)) {
            return;
        }
        refresh();
        // keys held (revoked and expired ones too, until they leave the table): a soak run watches it stay flat
        // held strongly: Micrometer's default weak reference let the gauge vanish from /q/metrics once
        // in a full suite run (GatewayProxyTest), and the map lives as long as this cache anyway
        Gauge.builder("tally_gateway_keys_cached", byHash, Map::size)
                .description("API keys held in this gateway's key cache")
                .strongReference(true)
                .register(registry);
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-key-cache");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, config.keyRefreshInterval().toMillis());
        poller.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    @Override
    public Result lookup(String presentedKey) {
        if (!ApiKeys.plausible(presentedKey)) {
            return new Result(Status.UNKNOWN, null);
        }
        KeyEntry e = byHash.get(ApiKeys.sha256Hex(presentedKey));
        if (e == null) {
            return new Result(Status.UNKNOWN, null);
        }
        if (e.revoked()) {
            return new Result(Status.REVOKED, e.key(), e.revokedAt());
        }
        if (e.key().expiredAt(clock.instant())) {
            return new Result(Status.EXPIRED, e.key());
        }
        lastUse.used(LastUse.Kind.KEY, e.key().keyId());
        return new Result(Status.VALID, e.key());
    }

    @Override
    public Optional<ResolvedKey> byId(UUID keyId) {
        KeyEntry e = byId.get(keyId);
        return e == null ? Optional.empty() : Optional.of(e.key());
    }

    /** True once the first load from the database is done (false on instances without the gateway role). */
    public boolean loaded() {
        return loaded;
    }

    public int size() {
        return byHash.size();
    }

    /** This instance's own changes, applied as soon as their transaction has committed. */
    void onKeysChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) KeysChanged change) {
        change.entries().forEach(this::apply);
    }

    private void apply(KeyEntry incoming) {
        // A revocation is final: a poll that read the row just before the revoke committed must not
        // bring the key back to life until the next poll.
        byHash.merge(incoming.hash(), incoming, (old, neu) -> old.revoked() && !neu.revoked() ? old : neu);
        byId.put(incoming.key().keyId(), byHash.get(incoming.hash()));
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // Keep serving the keys we have: a database hiccup must not lock every employee out.
            LOG.warnf("key cache refresh failed, retrying: %s", e.getMessage());
        }
    }

    /** One poll: every row changed since the watermark minus the overlap, or all rows now and then. */
    synchronized void refresh() {
        boolean full = watermark == null
                || ticker.nanoTime() - lastFullLoad
                        >= config.keyFullReloadInterval().toNanos();
        String sql = full ? SELECT : SELECT + " WHERE k.updated_at > ?";
        int rows = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            if (!full) {
                ps.setObject(1, watermark.minus(config.keyRefreshOverlap()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    OffsetDateTime updated = rs.getObject("updated_at", OffsetDateTime.class);
                    if (watermark == null || updated.isAfter(watermark)) {
                        watermark = updated;
                    }
                    apply(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read api_key: " + e.getMessage(), e);
        }
        if (full) {
            lastFullLoad = ticker.nanoTime();
            if (!loaded) {
                LOG.infof("key cache loaded %d keys", rows);
            }
        }
        loaded = true;
    }

    private static KeyEntry read(ResultSet rs) throws SQLException {
        Array models = rs.getArray("allowed_models");
        Set<String> allowed = models == null ? Set.of() : Set.copyOf(List.of((String[]) models.getArray()));
        OffsetDateTime expires = rs.getObject("expires_at", OffsetDateTime.class);
        ResolvedKey key = new ResolvedKey(
                rs.getObject("id", UUID.class),
                rs.getString("prefix"),
                rs.getObject("employee_id", UUID.class),
                rs.getObject("team_id", UUID.class),
                allowed,
                expires == null ? null : expires.toInstant(),
                (Integer) rs.getObject("requests_per_minute"),
                (Integer) rs.getObject("tokens_per_minute"),
                (Integer) rs.getObject("max_in_flight"),
                rs.getString("workload"),
                rs.getBoolean("workload_header"));
        OffsetDateTime revoked = rs.getObject("revoked_at", OffsetDateTime.class);
        return new KeyEntry(rs.getString("key_hash"), key, revoked == null ? null : revoked.toInstant());
    }
}
