package dev.tally.alert.channel;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tally.alert.channel.ChannelSender.DeliveryException;
import dev.tally.alert.channel.DeliveryStore.Claimed;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;

/**
 * Sends what the outbox holds: a loop that claims due deliveries and hands each to one of a few
 * sender threads of its own, so a slow or dead receiver never holds a gateway, aggregator or HTTP
 * thread. A failed attempt is retried with exponential backoff ({@code backoff × 3^(n-1)}, capped)
 * up to {@code max-attempts}; each attempt's outcome is written to the row (the delivery log).
 */
@ApplicationScoped
public class AlertDeliveries {

    private static final Logger LOG = Logger.getLogger(AlertDeliveries.class);

    private final DeliveryStore store;
    private final AlertChannelService channels;
    private final ChannelSender sender;
    private final Notices notices;
    private final AlertConfig.Delivery config;
    private final Clock clock;
    private final Roles roles;
    private final LinkedBlockingQueue<Boolean> wakeups = new LinkedBlockingQueue<>(1);
    private final AtomicInteger threadIds = new AtomicInteger();
    private ExecutorService senders;
    private Thread loop;
    private volatile boolean running;

    public AlertDeliveries(
            DeliveryStore store,
            AlertChannelService channels,
            ChannelSender sender,
            Notices notices,
            AlertConfig config,
            Clock clock,
            Roles roles) {
        this.store = store;
        this.channels = channels;
        this.sender = sender;
        this.notices = notices;
        this.config = config.delivery();
        this.clock = clock;
        this.roles = roles;
    }

    void onStart(@Observes StartupEvent ev) {
        if (roles.has(Role.AGGREGATOR)) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        stop();
    }

    /** Starts the background loop (no-op when it runs). */
    public synchronized void start() {
        if (loop != null) {
            return;
        }
        running = true;
        loop = new Thread(this::run, "tally-alert-delivery");
        loop.setDaemon(true);
        loop.start();
    }

    /** Stops the background loop after the attempts in hand; {@link #runDue} still works when called. */
    public synchronized void stop() {
        running = false;
        if (loop == null) {
            return;
        }
        wake();
        try {
            loop.join(config.timeout().toMillis() * 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loop = null;
    }

    /** New deliveries are waiting: check now instead of at the next poll. */
    public void wake() {
        wakeups.offer(Boolean.TRUE);
    }

    private void run() {
        while (running) {
            int sent = 0;
            try {
                sent = runDue(clock.instant());
            } catch (SQLException | RuntimeException e) {
                LOG.errorf(
                        "alert delivery: cannot read the outbox (%s); retrying in %d ms",
                        e.getMessage(), config.pollInterval().toMillis());
            }
            if (sent == 0) {
                try {
                    wakeups.poll(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * One round at {@code now}: claims the deliveries due then, attempts each on the sender threads and
     * records the outcomes; returns how many were attempted. The background loop calls it with the
     * clock's time; a test calls it with the time it wants.
     */
    public int runDue(Instant now) throws SQLException {
        List<Claimed> due = store.claim(now, config.lease(), config.threads() * 2);
        List<Future<?>> inFlight = new ArrayList<>(due.size());
        for (Claimed d : due) {
            inFlight.add(senders().submit(() -> attempt(d, now)));
        }
        for (Future<?> f : inFlight) {
            try {
                f.get();
            } catch (ExecutionException e) {
                LOG.errorf(e.getCause(), "alert delivery: unexpected error");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return due.size();
    }

    private synchronized ExecutorService senders() {
        if (senders == null) {
            senders = Executors.newFixedThreadPool(config.threads(), r -> {
                Thread t = new Thread(r, "tally-alert-sender-" + threadIds.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return senders;
    }

    private void attempt(Claimed d, Instant now) {
        try {
            Optional<Channel> channel = channels.channel(d.channelId());
            Optional<Alert> alert = store.alert(d.alertId());
            if (channel.isEmpty() || alert.isEmpty()) {
                store.cancelled(d, channel.isEmpty() ? "channel deleted" : "alert missing");
                return;
            }
            try {
                sender.send(
                        channel.get(),
                        d.alertId(),
                        notices.of(alert.get()),
                        alert.get().event());
                store.delivered(d, now);
            } catch (DeliveryException e) {
                Instant retryAt = d.attempt() >= config.maxAttempts() ? null : now.plus(backoff(d.attempt()));
                LOG.warnf(
                        "alert %s to channel %s: attempt %d failed (%s)%s",
                        d.alertId(),
                        channel.get().name(),
                        d.attempt(),
                        e.getMessage(),
                        retryAt == null ? "; giving up" : "; next attempt at " + retryAt);
                store.failed(d, e.getMessage(), retryAt);
            }
        } catch (SQLException | RuntimeException e) {
            // the row stays 'sending' until its lease runs out, then it is attempted again
            LOG.errorf("alert %s to channel %s: %s", d.alertId(), d.channelId(), e.getMessage());
        }
    }

    /** Wait after the {@code attempt}-th failure: backoff × 3^(attempt-1), at most max-backoff. */
    Duration backoff(int attempt) {
        Duration d = config.backoff();
        for (int i = 1; i < attempt && d.compareTo(config.maxBackoff()) < 0; i++) {
            d = d.multipliedBy(3);
        }
        return d.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : d;
    }
}
