package dev.tally.gateway.admission;

import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.tally.gateway.Api;
import dev.tally.gateway.Usage;
import dev.tally.identity.ResolvedKey;
import dev.tally.platform.Ticker;
import dev.tally.platform.share.SharedLimits;

/**
 * One gateway's admission of two keys, as {@link RateLimiter} and {@link SharedLimitShare} do it in
 * the gateway: caller threads call as fast as they can with a key limited in requests per minute and
 * a key limited in calls in flight (an admitted call stays in flight to the end, so the calls
 * admitted are the calls in flight at once), while the main thread exchanges with the other
 * gateways through PostgreSQL. Run in its own JVM by {@link KeyLimitsAcrossGatewaysTest}
 * ({@code main} prints what it admitted) and in the test's JVM as the other gateway.
 */
public final class KeyLimitsPeer {

    /** Exchanges each gateway makes while its callers run: far more than the shares need to settle. */
    static final int EXCHANGES = 150;

    private KeyLimitsPeer() {}

    /** What one gateway admitted. */
    record Admitted(long requests, long inFlight) {}

    /** Arguments: jdbc url, user, password, key limited per minute, its limit, key limited in flight, its limit. */
    public static void main(String[] args) throws Exception {
        Admitted a = run(
                args[0],
                args[1],
                args[2],
                UUID.fromString(args[3]),
                Integer.parseInt(args[4]),
                UUID.fromString(args[5]),
                Integer.parseInt(args[6]));
        System.out.println("admitted " + a.requests() + " " + a.inFlight());
    }

    static Admitted run(
            String url, String user, String password, UUID perMinuteKey, int perMinute, UUID inFlightKey, int inFlight)
            throws Exception {
        SharedLimits limits = new SharedLimits(Duration.ofSeconds(10), Ticker.SYSTEM);
        RateLimiter[] limiter = new RateLimiter[1];
        SharedLimitShare share = new SharedLimitShare(limits, id -> limiter[0].counts(id), 100, Ticker.SYSTEM);
        limiter[0] = new RateLimiter(0, 0, 0, share, Ticker.SYSTEM);
        ResolvedKey rpmKey = new ResolvedKey(
                perMinuteKey, "tly_test", UUID.randomUUID(), UUID.randomUUID(), Set.of(), null, perMinute, null, null);
        ResolvedKey flightKey = new ResolvedKey(
                inFlightKey, "tly_test", UUID.randomUUID(), UUID.randomUUID(), Set.of(), null, null, null, inFlight);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong requests = new AtomicLong();
        Queue<FakeCall> held = new ConcurrentLinkedQueue<>();
        Thread[] callers = new Thread[2];
        for (int i = 0; i < callers.length; i++) {
            callers[i] = new Thread(() -> {
                while (!stop.get()) {
                    if (limiter[0].limitsFor(rpmKey).admit(rpmKey) == null) {
                        requests.incrementAndGet();
                    }
                    FakeCall call = new FakeCall(Api.CHAT_COMPLETIONS).key(flightKey);
                    if (limiter[0].limitsFor(flightKey).enter(call) == null) {
                        held.add(call);
                    }
                }
            });
        }
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // start calling once both gateways exchange, as two gateways behind one load balancer
            while (share.exchange(c) < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            for (Thread t : callers) {
                t.start();
            }
            for (int i = 0; i < EXCHANGES; i++) {
                share.exchange(c);
            }
            stop.set(true);
            for (Thread t : callers) {
                t.join();
            }
            Admitted admitted = new Admitted(requests.get(), held.size());
            held.forEach(call -> call.end(new Usage()));
            limits.leave(c);
            return admitted;
        }
    }
}
