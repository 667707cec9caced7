package dev.tally.gateway;

import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.Ticker;

/**
 * A lone call's answer polled for, not slept for: when a call's request has gone to its provider
 * and the gateway has no more calls in flight than event loops, the call's event loop polls its
 * sockets ({@code epoll_wait} without a timeout, yielding the CPU between polls) for up to
 * {@code tally.gateway.answer-poll-micros} instead of going to sleep at once. A provider that
 * answers within that time (a loopback mock in tens of microseconds, a model's first token in
 * milliseconds: then the loop sleeps as before) finds the loop awake, and the call saves the
 * wake-up of a sleeping thread, tens to a hundred microseconds on a virtual machine. Under load the
 * loop has other calls' sockets to serve and never polls: the condition is false, and Netty's own
 * strategy applies. See docs/benchmarks.md#a-lone-calls-answer-polled-for and ADR 0024.
 *
 * <p>Vert.x makes its event loops with Netty's default {@link SelectStrategy} and offers no way to
 * choose another, so at start this replaces each loop's strategy (the {@code selectStrategy} field
 * of Netty's epoll and NIO loops) with a {@link Strategy}, on the loop's own thread. A loop of
 * another kind, or a Netty without the field, keeps its own and the start logs it.
 */
@Singleton
public class EventLoopSpin {

    private static final Logger LOG = Logger.getLogger(EventLoopSpin.class);

    /** The strategy of the event loop this thread runs, or null (not an event loop, or not replaced). */
    private static final FastThreadLocal<Strategy> LOCAL = new FastThreadLocal<>();

    private final long pollNanos;
    private final CallsInFlight inFlight;
    private final Ticker ticker;
    private volatile int loops;

    @Inject
    EventLoopSpin(GatewayConfig config, CallsInFlight inFlight, Ticker ticker) {
        this(config.answerPollMicros(), inFlight, ticker);
    }

    EventLoopSpin(long pollMicros, CallsInFlight inFlight, Ticker ticker) {
        this.pollNanos = Math.max(0, pollMicros) * 1_000L;
        this.inFlight = inFlight;
        this.ticker = ticker;
    }

    void started(@Observes StartupEvent ev, Roles roles, Vertx vertx) {
        if (roles.has(Role.GATEWAY) && pollNanos > 0) {
            install(((VertxInternal) vertx).nettyEventLoopGroup());
        }
    }

    /** Replaces the strategy of each loop of the group (each on its own thread). */
    void install(EventLoopGroup group) {
        AtomicInteger done = new AtomicInteger();
        for (EventExecutor loop : group) {
            Field field;
            try {
                field = loop.getClass().getDeclaredField("selectStrategy");
                field.setAccessible(true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.warnf(
                        "tally.gateway.answer-poll-micros: the event loop %s keeps Netty's strategy (%s)",
                        loop.getClass().getName(), e.toString());
                continue;
            }
            loop.execute(() -> {
                Strategy s = new Strategy(ticker);
                try {
                    field.set(loop, s);
                    LOCAL.set(s);
                    loops = done.incrementAndGet();
                } catch (ReflectiveOperationException | RuntimeException e) {
                    LOG.warnf(
                            "tally.gateway.answer-poll-micros: the event loop %s keeps Netty's strategy (%s)",
                            loop.getClass().getName(), e.toString());
                }
            });
        }
    }

    /** How many event loops poll for a lone call's answer (0 when off). */
    int loops() {
        return loops;
    }

    /**
     * On a call's event loop, once its request has gone to the provider: the loop polls for the
     * answer for up to the configured time, if the gateway has no more calls in flight than loops.
     */
    void requestSent() {
        if (pollNanos == 0) {
            return;
        }
        Strategy s = LOCAL.get();
        if (s != null && inFlight.count() <= loops) {
            s.pollUntil(ticker.nanoTime() + pollNanos);
        }
    }

    /**
     * Netty's default (a loop with tasks takes what is ready and runs them, one without sleeps until
     * a socket is ready, a task comes or a timer is due), except while a poll is armed: then a loop
     * with nothing ready yields the CPU and looks again, until something is ready or the time is up.
     * Touched only by its loop's thread.
     */
    static final class Strategy implements SelectStrategy {

        private final Ticker ticker;
        private boolean armed;
        private long until;

        Strategy(Ticker ticker) {
            this.ticker = ticker;
        }

        void pollUntil(long deadline) {
            armed = true;
            until = deadline;
        }

        boolean armed() {
            return armed;
        }

        @Override
        public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
            if (hasTasks) {
                return selectNow.get();
            }
            if (!armed) {
                return SelectStrategy.SELECT;
            }
            int ready = selectNow.get();
            if (ready > 0) {
                armed = false; // the answer (or something else) is here: poll no longer
                return ready;
            }
            if (ticker.nanoTime() - until < 0) {
                Thread.yield();
                return SelectStrategy.CONTINUE;
            }
            armed = false;
            return SelectStrategy.SELECT;
        }
    }
}
