package dev.tally.gateway.admission;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

import javax.sql.DataSource;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tally.gateway.GatewayConfig;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.Ticker;
import dev.tally.platform.share.SharedCounter;
import dev.tally.platform.share.SharedLimits;

/**
 * A key's limits held across every gateway (docs/adr/0012): each recently used key's requests and
 * tokens per minute and calls in flight are gauge counters of {@link SharedLimits} (namespace
 * {@value #NAMESPACE}), whose use is what {@link RateLimiter} already counts. Every
 * {@code tally.gateway.limit-share-interval} (1 s) a thread of its own exchanges them with the other
 * gateways, under the same lock and gateway identity as budget enforcement; a call only reads the
 * claim in memory.
 *
 * <ul>
 * <li>A key with a claim: this gateway admits while its count is under its claim. Claims together
 *     never pass the limit.
 * <li>A key this gateway has not exchanged yet (its first call here): one call until the exchange
 *     it asks for at once gives it a claim (milliseconds), or the whole limit when this gateway was
 *     the only live one at its last exchange (so one gateway alone limits exactly as before). A key
 *     over the key cap: the whole limit.
 * <li>No successful exchange for half the gateway timeout (or none yet): the whole limit, as with
 *     one gateway ({@link LocalLimitShare}). Rate limits fail open: they protect the providers'
 *     quotas and fairness between people, and refusing every call because PostgreSQL is away would
 *     take everyone's AI access down with it; money is held by budgets, which fail closed.
 * </ul>
 */
@Singleton
public class SharedLimitShare implements LimitShare {

    /** The prefix of every key-limit counter in the exchange. */
    public static final String NAMESPACE = "key:";
    /** A key not asked about for this long, with nothing in flight or reserved, leaves the exchange. */
    static final long IDLE_NANOS = 2 * RateLimiter.WINDOW_NANOS;

    private static final Logger LOG = Logger.getLogger(SharedLimitShare.class);
    private static final Kind[] KINDS = Kind.values();

    private final SharedLimits limits;
    private final Function<UUID, RateLimiter.Counts> counts;
    private final int maxKeys;
    private final Ticker ticker;
    private final ConcurrentHashMap<UUID, Tracked> keys = new ConcurrentHashMap<>();
    private final AtomicLong overCap = new AtomicLong();
    private final LimitShare alone = new LocalLimitShare();
    /** An exchange is asked for out of turn (a key new here) and not run yet. */
    private final AtomicBoolean soon = new AtomicBoolean();
    /** Claims are valid until then (ticker); before the first exchange nothing is shared. */
    private volatile long validUntil;

    private volatile boolean exchanged;
    /** Live gateways at the last exchange, this one included. */
    private volatile int live;

    private Roles roles;
    private long intervalMillis;
    private volatile DataSource dataSource;
    private volatile ScheduledExecutorService exchanger;

    @Inject
    SharedLimitShare(
            SharedLimits limits,
            Provider<RateLimiter> limiter,
            GatewayConfig config,
            DataSource dataSource,
            Roles roles,
            Ticker ticker) {
        // the limiter asks this bean, so its counts are looked up lazily, on the exchange thread
        this(limits, id -> limiter.get().counts(id), config.sharedLimitKeys(), ticker);
        this.dataSource = dataSource;
        this.roles = roles;
        this.intervalMillis = Math.max(10, config.limitShareInterval().toMillis());
    }

    /** Without a thread until {@link #start}: a test drives {@link #exchange} itself. */
    SharedLimitShare(SharedLimits limits, Function<UUID, RateLimiter.Counts> counts, int maxKeys, Ticker ticker) {
        this.limits = limits;
        this.counts = counts;
        this.maxKeys = maxKeys;
        this.ticker = ticker;
    }

    void onStart(@Observes StartupEvent ev) {
        if (roles.has(Role.GATEWAY)) {
            start(dataSource, intervalMillis);
        }
    }

    /** Exchanges on a thread of its own, every {@code everyMillis} and whenever a key is new here. */
    void start(DataSource database, long everyMillis) {
        this.dataSource = database;
        ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-key-limits");
            t.setDaemon(true);
            return t;
        });
        e.scheduleWithFixedDelay(this::exchangeQuietly, 0, everyMillis, TimeUnit.MILLISECONDS);
        exchanger = e;
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (exchanger != null) {
            exchanger.shutdownNow(); // budget enforcement gives this gateway's claims back (SharedLimits.leave)
        }
    }

    @Override
    public long available(Kind kind, UUID keyId, long limit) {
        long now = ticker.nanoTime();
        if (!exchanged || now - validUntil > 0) {
            return alone.available(kind, keyId, limit); // fails open: see the class comment
        }
        Tracked t = keys.get(keyId);
        if (t == null) {
            if (keys.size() >= maxKeys) {
                overCap.incrementAndGet();
                return alone.available(kind, keyId, limit);
            }
            t = keys.computeIfAbsent(keyId, Tracked::new);
        }
        long claim = t.asked(kind, limit, now).allowance(now);
        if (claim < 0) {
            // not exchanged yet: alone, the whole limit (nobody else to share with); else one call, and
            // the exchange that gives this key a claim now rather than at the next interval
            if (live <= 1) {
                return limit;
            }
            exchangeSoon();
            return Math.min(limit, 1);
        }
        return Math.min(limit, claim);
    }

    /** Runs an exchange on the exchange thread as soon as it is free (at most one waiting); never blocks. */
    private void exchangeSoon() {
        ScheduledExecutorService e = exchanger;
        if (e != null && soon.compareAndSet(false, true)) {
            try {
                e.execute(() -> {
                    soon.set(false);
                    exchangeQuietly();
                });
            } catch (RejectedExecutionException stopped) {
                soon.set(false);
            }
        }
    }

    private void exchangeQuietly() {
        try (Connection c = dataSource.getConnection()) {
            exchange(c);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(
                    "key limits not exchanged (the last shares hold until they lapse, then each gateway "
                            + "enforces the whole limits alone): %s",
                    e.toString());
        }
    }

    /**
     * One exchange of every recently used key's counters, in a transaction of its own on {@code c};
     * returns how many gateways are live, this one included.
     */
    int exchange(Connection c) throws SQLException {
        long now = ticker.nanoTime();
        keys.values().removeIf(t -> t.idle(now));
        List<SharedLimits.Offer> offers = new ArrayList<>();
        for (Tracked t : keys.values()) {
            t.offer(offers);
        }
        long refused = overCap.getAndSet(0);
        if (refused > 0) {
            LOG.warnf(
                    "%d calls of keys beyond tally.gateway.shared-limit-keys (%d) were limited by this gateway alone",
                    refused, maxKeys);
        }
        c.setAutoCommit(false);
        try {
            long started = limits.now();
            SharedLimits.lock(c);
            SharedLimits.Grants grants = limits.exchange(c, NAMESPACE, offers, started);
            c.commit();
            grants.apply();
            validUntil = grants.expiresAt();
            live = grants.live();
            exchanged = true;
            return grants.live();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        }
    }

    int trackedKeys() {
        return keys.size();
    }

    private static long used(Kind kind, RateLimiter.Counts n) {
        return switch (kind) {
            case REQUESTS_PER_MINUTE -> n.requests();
            case TOKENS_PER_MINUTE -> n.tokens() + n.reservedTokens();
            case IN_FLIGHT -> n.inFlight();
        };
    }

    private static String suffix(Kind kind) {
        return switch (kind) {
            case REQUESTS_PER_MINUTE -> ":rpm";
            case TOKENS_PER_MINUTE -> ":tpm";
            case IN_FLIGHT -> ":in-flight";
        };
    }

    /** One key's counters, created for the kinds of limit it was asked about, with the last limit asked. */
    private final class Tracked {
        private final UUID keyId;
        private final AtomicReferenceArray<SharedCounter> counters = new AtomicReferenceArray<>(KINDS.length);
        private final AtomicLongArray limitsAsked = new AtomicLongArray(KINDS.length);
        private volatile long lastAsked;

        Tracked(UUID keyId) {
            this.keyId = keyId;
        }

        SharedCounter asked(Kind kind, long limit, long now) {
            lastAsked = now;
            limitsAsked.set(kind.ordinal(), limit);
            SharedCounter counter = counters.get(kind.ordinal());
            if (counter == null) {
                SharedCounter made =
                        SharedCounter.gauge(NAMESPACE + keyId + suffix(kind), () -> used(kind, counts.apply(keyId)));
                counter = counters.compareAndExchange(kind.ordinal(), null, made);
                counter = counter == null ? made : counter;
            }
            return counter;
        }

        void offer(List<SharedLimits.Offer> offers) {
            for (Kind kind : KINDS) {
                SharedCounter counter = counters.get(kind.ordinal());
                if (counter != null) {
                    offers.add(new SharedLimits.Offer(counter, limitsAsked.get(kind.ordinal()), 0));
                }
            }
        }

        /** Unused for two windows and holding nothing: what it counted has left every window. */
        boolean idle(long now) {
            if (now - lastAsked <= IDLE_NANOS) {
                return false;
            }
            RateLimiter.Counts n = counts.apply(keyId);
            return n.inFlight() == 0 && n.reservedTokens() == 0;
        }
    }
}
