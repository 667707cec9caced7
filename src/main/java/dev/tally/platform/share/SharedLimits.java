package dev.tally.platform.share;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tally.platform.Ticker;

/**
 * Limits several gateways draw from at once, without a database call per request (docs/adr/0011):
 * each instance keeps a {@link SharedCounter} per limit in memory and, every refresh, exchanges with
 * the others through two small tables ({@code gateway_instance}, {@code shared_claim}):
 *
 * <ol>
 * <li>{@link #lock} — exchanges run one at a time, cluster-wide (a transaction-scoped advisory lock);
 * <li>the caller reads each limit's base (what is already counted for everyone: for a budget, the
 *     rolled-up spend) in a statement after the lock, so its snapshot is newer than every claim it
 *     will read;
 * <li>{@link #exchange} — heartbeat, the live instances, their published use and claims, then this
 *     instance's new claims ({@link FairShare}), published;
 * <li>after the commit, {@link Grants#apply} — the counters admit against the new claims.
 * </ol>
 *
 * Invariant: at the end of every exchange, base + every live instance's claim ≤ limit (unless the
 * use alone is past it). Each instance admits while its use is under its claim, so the limit is
 * passed by at most one call per instance plus what in-flight calls cost beyond their estimates.
 * Budgets use it (namespace {@code budget:}); a key's requests and tokens per minute and its calls
 * in flight are gauge counters whose base is 0 (namespace {@code key:}, docs/adr/0012). One instance
 * of this class per gateway: both loops exchange under its identity, so an instance is counted once.
 */
public final class SharedLimits {

    /** The advisory lock of the exchange ("tally-sl"): one number shared by every instance. */
    static final long LOCK = 0x74616c6c792d736cL;

    private final UUID instance = UUID.randomUUID();
    private final Duration timeout;
    private final Ticker ticker;

    /**
     * @param timeout an instance whose heartbeat is older than this is not live: its claims are no
     *                longer counted, and it stops drawing on its own after half of it
     */
    public SharedLimits(Duration timeout, Ticker ticker) {
        this.timeout = timeout;
        this.ticker = ticker;
    }

    public UUID instance() {
        return instance;
    }

    /** One limit offered to the exchange. */
    public record Offer(SharedCounter counter, long limit, long base) {}

    /** What an exchange decided, applied to the counters only once its transaction has committed. */
    public static final class Grants {
        private final List<SharedCounter> counters = new ArrayList<>();
        private final List<long[]> claims = new ArrayList<>();
        private final Map<String, Long> othersUsed = new HashMap<>();
        private final Map<String, Long> othersClaimed = new HashMap<>();
        private final long expiresAt;
        private final int live;

        Grants(long expiresAt, int live) {
            this.expiresAt = expiresAt;
            this.live = live;
        }

        /** Installs the new claims: call after the commit, never before (the others see them from then). */
        public void apply() {
            for (int i = 0; i < counters.size(); i++) {
                counters.get(i).grant(claims.get(i)[0], expiresAt);
            }
        }

        /** The other live instances' published use of a counter, as of this exchange. */
        public long othersUsed(String counter) {
            return othersUsed.getOrDefault(counter, 0L);
        }

        /** The other live instances' published claims on a counter, as of this exchange. */
        public long othersClaimed(String counter) {
            return othersClaimed.getOrDefault(counter, 0L);
        }

        /** The ticker time the new claims lapse at, unless a later exchange renews them. */
        public long expiresAt() {
            return expiresAt;
        }

        /** Live instances, this one included. */
        public int live() {
            return live;
        }
    }

    /** Takes the exchange lock for the caller's transaction (released at its commit or rollback). */
    public static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, LOCK);
            ps.executeQuery().close();
        }
    }

    /**
     * The exchange, in the caller's READ COMMITTED transaction after {@link #lock} and after the
     * bases were read. {@code namespace}: the prefix every offered counter's name starts with; this
     * instance's counters in it that are not offered any more are withdrawn, those of other
     * namespaces (exchanged by another loop of this instance) are left alone. {@code startedNanos}:
     * the ticker when the transaction began (the claims expire half a timeout after it, before the
     * others can think this instance gone).
     */
    public Grants exchange(Connection c, String namespace, List<Offer> offers, long startedNanos) throws SQLException {
        int live = heartbeat(c);
        Grants grants = new Grants(startedNanos + timeout.toNanos() / 2, live);
        Map<String, long[]> others = others(c, offers);
        int n = offers.size();
        String[] names = new String[n];
        Long[] used = new Long[n];
        Long[] claimed = new Long[n];
        for (int i = 0; i < n; i++) {
            Offer o = offers.get(i);
            SharedCounter counter = o.counter();
            if (!counter.name().startsWith(namespace)) {
                throw new IllegalArgumentException(counter.name() + " is not in the namespace " + namespace);
            }
            long[] theirs = others.getOrDefault(counter.name(), new long[2]);
            grants.othersUsed.put(counter.name(), theirs[0]);
            grants.othersClaimed.put(counter.name(), theirs[1]);
            long claim;
            if (counter.enforced()) {
                claim = counter.whole()
                        ? FairShare.wholeClaim(o.limit(), o.base(), counter.used(), theirs[0], theirs[1], live)
                        : FairShare.claim(o.limit(), o.base(), counter.used(), theirs[0], theirs[1], live);
                counter.shrinkTo(claim);
            } else {
                claim = 0;
            }
            // read after shrinking: what was admitted under the old claim meanwhile is covered by what we publish
            long usedNow = counter.used();
            names[i] = counter.name();
            used[i] = usedNow;
            claimed[i] = counter.enforced() ? Math.max(claim, usedNow) : usedNow;
            grants.counters.add(counter);
            grants.claims.add(new long[] {claim});
        }
        publish(c, namespace, names, used, claimed);
        return grants;
    }

    /** This instance is alive; returns how many are (itself included). */
    private int heartbeat(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO gateway_instance (id, heartbeat_at) VALUES (?, clock_timestamp())
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at""")) {
            ps.setObject(1, instance);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM gateway_instance WHERE heartbeat_at > clock_timestamp() - make_interval(secs => ?) "
                        + "AND NOT leaving")) {
            ps.setDouble(1, timeout.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return Math.max(1, rs.getInt(1));
            }
        }
    }

    /** The other live instances' use and claims of the offered counters: name → {used, claimed}. */
    private Map<String, long[]> others(Connection c, List<Offer> offers) throws SQLException {
        Map<String, long[]> out = new HashMap<>();
        if (offers.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.counter, sum(s.used), sum(s.claimed) FROM shared_claim s
                  JOIN gateway_instance g ON g.id = s.instance_id
                 WHERE s.instance_id <> ? AND s.counter = ANY (?)
                   AND g.heartbeat_at > clock_timestamp() - make_interval(secs => ?)
                 GROUP BY s.counter""")) {
            ps.setObject(1, instance);
            ps.setArray(
                    2,
                    c.createArrayOf(
                            "text", offers.stream().map(o -> o.counter().name()).toArray()));
            ps.setDouble(3, timeout.toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new long[] {rs.getLong(2), rs.getLong(3)});
                }
            }
        }
        return out;
    }

    private void publish(Connection c, String namespace, String[] names, Long[] used, Long[] claimed)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM shared_claim WHERE instance_id = ? AND starts_with(counter, ?) AND NOT (counter = ANY (?))")) {
            ps.setObject(1, instance);
            ps.setString(2, namespace);
            ps.setArray(3, c.createArrayOf("text", names));
            ps.executeUpdate();
        }
        if (names.length == 0) {
            return;
        }
        UUID[] instances = new UUID[names.length];
        Arrays.fill(instances, instance);
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO shared_claim (counter, instance_id, used, claimed)
                SELECT * FROM unnest(?::text[], ?::uuid[], ?::int8[], ?::int8[])
                ON CONFLICT (counter, instance_id) DO UPDATE SET used = EXCLUDED.used, claimed = EXCLUDED.claimed""")) {
            ps.setArray(1, c.createArrayOf("text", names));
            ps.setArray(2, c.createArrayOf("uuid", instances));
            ps.setArray(3, c.createArrayOf("int8", used));
            ps.setArray(4, c.createArrayOf("int8", claimed));
            ps.executeUpdate();
        }
    }

    /**
     * This instance stops: its unused claims go at once and it no longer takes a share, but its use
     * stays counted until the timeout, by when the aggregator has counted its last calls in the base.
     */
    public void leave(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE shared_claim SET claimed = used WHERE instance_id = ?")) {
            ps.setObject(1, instance);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE gateway_instance SET leaving = true WHERE id = ?")) {
            ps.setObject(1, instance);
            ps.executeUpdate();
        }
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /** Forgets instances silent for an hour (their claims go with them). */
    public static int forgetSilent(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "DELETE FROM gateway_instance WHERE heartbeat_at < clock_timestamp() - interval '1 hour'")) {
            return ps.executeUpdate();
        }
    }

    /** The ticker this instance measures claim expiry with. */
    public long now() {
        return ticker.nanoTime();
    }
}
