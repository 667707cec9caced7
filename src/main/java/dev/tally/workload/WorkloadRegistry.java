package dev.tally.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tally.platform.ApiException;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;

/**
 * Which workload names a team may use, decided from memory (the gateway asks on its event loop).
 * With {@code tally.workloads.names} configured, exactly those; otherwise at most
 * {@code tally.workloads.max-per-team} names per team, remembered in {@code team_workload}. A new
 * name admitted here is added in memory at once and written in the background; other gateways see
 * it at their next reload, so with n gateways a team can reach at most n - 1 names over the bound
 * within one reload interval (documented in docs/workloads.md).
 *
 * <p>A {@code @Singleton}, not {@code @ApplicationScoped}: the gateway asks it on calls that name a
 * workload, and a singleton is injected as itself, with no client proxy in front.
 */
@Singleton
public class WorkloadRegistry {

    private static final Logger LOG = Logger.getLogger(WorkloadRegistry.class);

    /** Why a name is refused, or null when it is admitted. */
    public enum Refused {
        /** Not in {@code tally.workloads.names}. */
        NOT_CONFIGURED,
        /** The team already uses {@code max-per-team} other names. */
        TOO_MANY
    }

    private final DataSource dataSource;
    private final WorkloadConfig config;
    private final Roles roles;
    private final Set<String> configured;
    private final Map<UUID, Set<String>> used = new ConcurrentHashMap<>();
    private final Event<Added> added;
    private ExecutorService writer;
    private ScheduledExecutorService reloader;

    /** A name a service key was created with: remembered in memory once its admin transaction commits. */
    record Added(UUID team, String name) {}

    public WorkloadRegistry(DataSource dataSource, WorkloadConfig config, Roles roles, Event<Added> added) {
        this.dataSource = dataSource;
        this.config = config;
        this.roles = roles;
        this.added = added;
        this.configured = config.names().map(Set::copyOf).orElse(null);
        if (configured != null) {
            for (String n : configured) {
                if (!WorkloadNames.validName(n)) {
                    throw new IllegalArgumentException("tally.workloads.names: '" + n + "' is not a workload name ("
                            + WorkloadNames.NAME_RULE + ")");
                }
            }
        }
    }

    void onStart(@Observes StartupEvent ev) {
        if (!roles.has(Role.GATEWAY)) {
            return;
        }
        writer = Executors.newSingleThreadExecutor(daemon("tally-workload-writer"));
        reloader = Executors.newSingleThreadScheduledExecutor(daemon("tally-workload-reload"));
        reloadQuietly();
        long every = Math.max(100, config.refreshInterval().toMillis());
        reloader.scheduleWithFixedDelay(this::reloadQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (reloader != null) {
            reloader.shutdownNow();
        }
        if (writer != null) {
            writer.shutdown();
        }
    }

    /**
     * Whether {@code team} may use {@code name} on a call (the name is already syntactically valid).
     * Admitting a new name remembers it. Never blocks.
     */
    public Refused admit(UUID team, String name) {
        if (WorkloadNames.INTERACTIVE.equals(name)) {
            return null;
        }
        if (configured != null) {
            return configured.contains(name) ? null : Refused.NOT_CONFIGURED;
        }
        Set<String> names = used.computeIfAbsent(team, t -> ConcurrentHashMap.newKeySet());
        if (names.contains(name)) {
            return null;
        }
        synchronized (names) {
            if (names.contains(name)) {
                return null;
            }
            if (names.size() >= config.maxPerTeam()) {
                return Refused.TOO_MANY;
            }
            names.add(name);
        }
        if (writer != null) {
            writer.execute(() -> remember(team, name));
        }
        return null;
    }

    /** The admin path (a service key's workload): the same rule, checked and remembered in the caller's transaction. */
    public void requireForKey(Connection c, UUID team, String name) throws SQLException {
        if (!WorkloadNames.validName(name)) {
            throw ApiException.badRequest(
                    "workload: '" + name + "' is not a workload name (" + WorkloadNames.NAME_RULE + ")");
        }
        if (WorkloadNames.INTERACTIVE.equals(name)) {
            throw ApiException.badRequest("workload: a service key needs a workload other than 'interactive'");
        }
        if (configured != null && !configured.contains(name)) {
            throw ApiException.badRequest("workload: '" + name + "' is not one of the configured workloads "
                    + configured.stream().sorted().toList());
        }
        if (configured == null) {
            // one admin transaction at a time counts a team's names, so two keys created at once cannot
            // both take the last place (NO KEY UPDATE: rows that only reference the team are not held up)
            lockTeam(c, team);
            List<String> names = teamNames(c, team);
            if (!names.contains(name) && names.size() >= config.maxPerTeam()) {
                throw ApiException.badRequest("workload: the team already uses " + names.size()
                        + " workloads, the most allowed (tally.workloads.max-per-team)");
            }
        }
        insert(c, team, name);
        // in memory only after the commit (as every cache here): a key creation that fails after this
        // point (a bad expiresAt) rolls the row back and must not leave the name holding a place
        added.fire(new Added(team, name));
    }

    void onAdded(@Observes(during = TransactionPhase.AFTER_SUCCESS) Added a) {
        used.computeIfAbsent(a.team(), t -> ConcurrentHashMap.newKeySet()).add(a.name());
    }

    private static void lockTeam(Connection c, UUID team) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM team WHERE id = ? FOR NO KEY UPDATE")) {
            ps.setObject(1, team);
            ps.executeQuery().close();
        }
    }

    private static List<String> teamNames(Connection c, UUID team) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM team_workload WHERE team_id = ?")) {
            ps.setObject(1, team);
            try (ResultSet rs = ps.executeQuery()) {
                List<String> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
                return out;
            }
        }
    }

    private static void insert(Connection c, UUID team, String name) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO team_workload (team_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setObject(1, team);
            ps.setString(2, name);
            ps.executeUpdate();
        }
    }

    private void remember(UUID team, String name) {
        try (Connection c = dataSource.getConnection()) {
            insert(c, team, name);
        } catch (SQLException | RuntimeException e) {
            // still in memory here; the next reload would drop it, and the next call adds it again
            LOG.warnf("workload %s of team %s not stored yet: %s", name, team, e.getMessage());
        }
    }

    private void reloadQuietly() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT team_id, name FROM team_workload");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                used.computeIfAbsent(rs.getObject(1, UUID.class), t -> ConcurrentHashMap.newKeySet())
                        .add(rs.getString(2));
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("workload names not reloaded, retrying: %s", e.getMessage());
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
