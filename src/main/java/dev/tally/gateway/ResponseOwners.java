package dev.tally.gateway;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;

import dev.tally.identity.ResolvedKey;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;

/**
 * Whose each stored response and each conversation is (docs/gateway.md, "Whose stored response or
 * conversation"). The provider holds every response and conversation under the organisation's one
 * secret, so the gateway records who created each one through it (table {@code response_owner}: the
 * id, an owner, a time, whether it is a conversation; never its content) and lets only that owner
 * retrieve, cancel, delete, list or continue a response, or read, change, add to or delete a
 * conversation. The ids cannot clash: OpenAI's are {@code resp_…} and {@code conv_…}.
 *
 * <ul>
 * <li>{@link #remember} runs on the event loop when a create call ends: the owner goes into a bounded
 *     map of recent responses at once (a retrieve through this gateway right after finds it) and onto
 *     a bounded queue that a thread of its own writes to PostgreSQL in batches (the other gateways).
 * <li>{@link #owner} answers from that map, else from PostgreSQL on a worker thread, back on the
 *     caller's event loop. An id with no owner recorded (created before Tally recorded owners, or
 *     outside Tally) is nobody's: every key may use it, as before. A lookup that fails is reported as
 *     such, and the call is refused with a 503 (a conversation is not shown on a guess).
 * </ul>
 */
@Singleton
public class ResponseOwners {

    private static final Logger LOG = Logger.getLogger(ResponseOwners.class);

    /** Owners kept in memory, newest first out last: a day of a busy gateway's stored responses. */
    static final int RECENT = 50_000;
    /** Owners waiting for their write at most; past it a write is dropped (and counted). */
    static final int MAX_PENDING = 10_000;
    /** Rows written in one statement at most. */
    static final int BATCH = 500;
    /** OpenAI keeps a stored response 30 days; its owner is kept five more (a conversation's until it is gone). */
    static final int KEPT_DAYS = 35;

    /** What {@link #owner} answers when PostgreSQL could not be asked. */
    public static final String UNCHECKED = "\0unchecked";

    private final DataSource database;
    private final Vertx vertx;
    private final Roles roles;
    private final Map<String, String> recent = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > RECENT;
        }
    };
    private final BlockingQueue<Row> pending = new ArrayBlockingQueue<>(MAX_PENDING);
    private final AtomicLong dropped = new AtomicLong();
    private volatile Thread writer;

    ResponseOwners(DataSource database, Vertx vertx, Roles roles) {
        this.database = database;
        this.vertx = vertx;
        this.roles = roles;
    }

    /** The owner a key's responses get: its person, or for a team's service key the team's service keys. */
    static String ownerOf(ResolvedKey key) {
        if (key.employeeId() != null) {
            return "employee:" + key.employeeId();
        }
        return key.teamId() != null ? "team:" + key.teamId() : "key:" + key.keyId();
    }

    /** An owner waiting for its write. */
    private record Row(String id, String owner, boolean conversation) {}

    /** Records that {@code key}'s caller created the stored response {@code responseId}. */
    void remember(String responseId, ResolvedKey key) {
        remember(responseId, key, false);
    }

    /**
     * Records that {@code key}'s caller created {@code id}, a stored response or a conversation (whose
     * owner is kept as long as the provider keeps it: until it is deleted).
     */
    void remember(String id, ResolvedKey key, boolean conversation) {
        String owner = ownerOf(key);
        synchronized (recent) {
            recent.put(id, owner);
        }
        if (!pending.offer(new Row(id, owner, conversation))) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warnf(
                        "%d owners of stored responses or conversations not written to PostgreSQL (more than %d waiting): only"
                                + " this gateway knows them, until its restart",
                        n, MAX_PENDING);
            }
        }
    }

    /** Receives what {@link #owner} found. */
    interface Found {
        /** {@code owner} is null for a response nobody is recorded for, {@link #UNCHECKED} when the lookup failed. */
        void owner(String owner);
    }

    /**
     * The owner recorded for {@code responseId}; {@code then} runs on the calling event loop, at once
     * when this gateway knows it.
     */
    void owner(String responseId, Found then) {
        String known;
        synchronized (recent) {
            known = recent.get(responseId);
        }
        if (known != null) {
            then.owner(known);
            return;
        }
        vertx.<String>executeBlocking(() -> read(responseId), false).onComplete(r -> {
            if (r.failed()) {
                LOG.warnf(
                        "the owner of a stored response or conversation could not be read: %s",
                        r.cause().toString());
                then.owner(UNCHECKED);
            } else {
                then.owner(r.result());
            }
        });
    }

    private String read(String responseId) throws SQLException {
        try (Connection c = database.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT owner FROM response_owner WHERE response_id = ?")) {
            s.setQueryTimeout(5);
            s.setString(1, responseId);
            try (ResultSet r = s.executeQuery()) {
                String owner = r.next() ? r.getString(1) : null;
                if (owner != null) {
                    synchronized (recent) {
                        recent.put(responseId, owner);
                    }
                }
                return owner;
            }
        }
    }

    void onStart(@Observes StartupEvent ev) {
        if (roles.has(Role.GATEWAY)) {
            Thread t = new Thread(this::writeAll, "tally-response-owners");
            t.setDaemon(true);
            t.start();
            writer = t;
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        Thread t = writer;
        if (t != null) {
            t.interrupt();
        }
        write(drain(new ArrayList<>())); // what was still waiting, best effort
    }

    /** The writer thread: a batch as soon as one owner waits, until interrupted. */
    private void writeAll() {
        while (!Thread.currentThread().isInterrupted()) {
            List<Row> batch = new ArrayList<>();
            try {
                batch.add(pending.take());
            } catch (InterruptedException e) {
                return;
            }
            write(drain(batch));
        }
    }

    private List<Row> drain(List<Row> batch) {
        pending.drainTo(batch, BATCH - batch.size());
        return batch;
    }

    private void write(List<Row> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try (Connection c = database.getConnection();
                PreparedStatement s = c.prepareStatement("INSERT INTO response_owner (response_id, owner, conversation)"
                        + " VALUES (?, ?, ?) ON CONFLICT (response_id) DO NOTHING")) {
            c.setAutoCommit(true);
            for (Row row : batch) {
                s.setString(1, row.id());
                s.setString(2, row.owner());
                s.setBoolean(3, row.conversation());
                s.addBatch();
            }
            s.executeBatch();
        } catch (SQLException | RuntimeException e) {
            long n = dropped.addAndGet(batch.size());
            LOG.warnf(
                    "%d owners of stored responses or conversations not written to PostgreSQL (%s): only this gateway"
                            + " knows them, until"
                            + " its restart",
                    n, e.toString());
        }
    }

    /**
     * Deletes owners of responses the provider no longer keeps. A conversation's owner stays: the
     * provider keeps a conversation until it is deleted, and without its owner it would be anyone's.
     */
    @Scheduled(
            every = "1h",
            delayed = "10m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void forgetOld() throws SQLException {
        if (!roles.has(Role.GATEWAY)) {
            return;
        }
        try (Connection c = database.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "DELETE FROM response_owner WHERE created_at < now() - make_interval(days => ?)"
                                + " AND NOT conversation")) {
            s.setInt(1, KEPT_DAYS);
            s.executeUpdate();
        }
    }

    /** Owners not written to PostgreSQL since start (a full queue, or the database away). */
    long dropped() {
        return dropped.get();
    }
}
