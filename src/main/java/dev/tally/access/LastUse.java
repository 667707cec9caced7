package dev.tally.access;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * When each gateway key and API token was last used. A use only updates a map in memory (the
 * gateway records it on the event loop, per call); the map is written to PostgreSQL in one batch
 * every {@code tally.access.last-use-flush-interval} and at shutdown, so the database sees one
 * write per key per interval, not one per call. Lists merge the unwritten uses of this instance.
 */
@Singleton // no client proxy: called on every gateway request
public class LastUse {

    private static final Logger LOG = Logger.getLogger(LastUse.class);

    public enum Kind {
        KEY,
        TOKEN
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final Map<UUID, Long> keys = new ConcurrentHashMap<>();
    private final Map<UUID, Long> tokens = new ConcurrentHashMap<>();

    public LastUse(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Records a use now; cheap enough for the gateway's event loop. */
    public void used(Kind kind, UUID id) {
        (kind == Kind.KEY ? keys : tokens).put(id, clock.millis());
    }

    /** This instance's uses not yet written. */
    public Instant pending(Kind kind, UUID id) {
        Long at = (kind == Kind.KEY ? keys : tokens).get(id);
        return at == null ? null : Instant.ofEpochMilli(at);
    }

    /** The later of two instants, either of which may be null. */
    public static Instant latest(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }

    @Scheduled(
            every = "${tally.access.last-use-flush-interval:30s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduledFlush() {
        try {
            flush();
        } catch (RuntimeException e) {
            // the uses stay in memory and go with the next flush
            LOG.warnf("writing last use of keys and tokens failed, retrying later: %s", e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        scheduledFlush();
    }

    /** Writes every use recorded so far. */
    public synchronized void flush() {
        Map<UUID, Long> k = drain(keys);
        Map<UUID, Long> t = drain(tokens);
        if (k.isEmpty() && t.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            if (!k.isEmpty()) {
                write(c, """
                        INSERT INTO api_key_last_use (key_id, used_at)
                        SELECT v.id, v.at FROM unnest(?::uuid[], ?::timestamptz[]) AS v(id, at)
                        WHERE EXISTS (SELECT 1 FROM api_key WHERE id = v.id)
                        ON CONFLICT (key_id) DO UPDATE SET used_at = greatest(api_key_last_use.used_at, EXCLUDED.used_at)""", k);
            }
            if (!t.isEmpty()) {
                write(c, """
                        UPDATE api_token t SET last_used_at = greatest(t.last_used_at, v.at)
                        FROM unnest(?::uuid[], ?::timestamptz[]) AS v(id, at) WHERE t.id = v.id""", t);
            }
        } catch (SQLException e) {
            k.forEach((id, at) -> keys.merge(id, at, Math::max));
            t.forEach((id, at) -> tokens.merge(id, at, Math::max));
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static Map<UUID, Long> drain(Map<UUID, Long> from) {
        Map<UUID, Long> out = new HashMap<>();
        for (UUID id : from.keySet()) {
            Long at = from.remove(id);
            if (at != null) {
                out.put(id, at);
            }
        }
        return out;
    }

    private static void write(Connection c, String sql, Map<UUID, Long> uses) throws SQLException {
        Collection<UUID> ids = uses.keySet();
        Timestamp[] at = ids.stream().map(id -> new Timestamp(uses.get(id))).toArray(Timestamp[]::new);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Array idArray = c.createArrayOf("uuid", ids.toArray());
            Array atArray = c.createArrayOf("timestamptz", at);
            ps.setArray(1, idArray);
            ps.setArray(2, atArray);
            ps.executeUpdate();
        }
    }
}
