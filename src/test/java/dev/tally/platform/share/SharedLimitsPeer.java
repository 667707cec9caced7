package dev.tally.platform.share;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.tally.platform.Ticker;

/**
 * One instance drawing on a shared limit, as a gateway does: two caller threads take {@code cost}
 * per call while the counter admits, the main thread exchanges with the others through PostgreSQL,
 * until the counter has refused across {@code settle} exchanges after the limit is all but used. Run
 * in its own JVM by {@link SharedLimitsTest} ({@code main} prints what it admitted), and in the
 * test's JVM as the other instance.
 */
public final class SharedLimitsPeer {

    private SharedLimitsPeer() {}

    /** Arguments: jdbc url, user, password, counter name, limit, cost. Prints the amount admitted. */
    public static void main(String[] args) throws Exception {
        long used = run(args[0], args[1], args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]));
        System.out.println("admitted " + used);
    }

    static long run(String url, String user, String password, String name, long limit, long cost) throws Exception {
        SharedLimits limits = new SharedLimits(Duration.ofSeconds(10), Ticker.SYSTEM);
        SharedCounter counter = new SharedCounter(name, true);
        AtomicBoolean stop = new AtomicBoolean();
        Thread[] callers = new Thread[2];
        for (int i = 0; i < callers.length; i++) {
            callers[i] = new Thread(() -> {
                while (!stop.get()) {
                    counter.tryTake(cost, limits.now());
                }
            });
        }
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // start drawing once both instances hold a claim, as two gateways behind one load balancer
            // that have exchanged: an instance that drew as soon as it saw the other live could take
            // nearly all of the limit, exchange after exchange, before a peer starved of CPU (several
            // test JVMs on two cores) made its second exchange, and that peer would admit nothing
            while (System.nanoTime() < deadline) {
                SharedLimits.Grants g = exchange(c, limits, counter, limit);
                if (g.live() >= 2 && counter.claim() > 0 && g.othersClaimed(name) > 0) {
                    break;
                }
                Thread.onSpinWait();
            }
            for (Thread t : callers) {
                t.start();
            }
            int refusedExchanges = 0;
            while (refusedExchanges < 5 && System.nanoTime() < deadline) {
                SharedLimits.Grants g = exchange(c, limits, counter, limit);
                boolean spent = limit - counter.used() - g.othersUsed(name) < 2 * cost;
                refusedExchanges = spent && counter.exhausted(limits.now()) ? refusedExchanges + 1 : 0;
            }
            stop.set(true);
            for (Thread t : callers) {
                t.join();
            }
            limits.leave(c);
        }
        return counter.used();
    }

    static SharedLimits.Grants exchange(Connection c, SharedLimits limits, SharedCounter counter, long limit)
            throws SQLException {
        c.setAutoCommit(false);
        long started = limits.now();
        SharedLimits.lock(c);
        SharedLimits.Grants grants =
                limits.exchange(c, "share-test-", List.of(new SharedLimits.Offer(counter, limit, 0)), started);
        c.commit();
        grants.apply();
        return grants;
    }
}
