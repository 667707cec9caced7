package dev.tally.gateway;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;

import io.vertx.core.Vertx;

import dev.tally.platform.Ticker;

/**
 * The calls with a deadline, per event loop, checked by one periodic timer per loop rather than a
 * timer per call (deadlines are then precise to {@link #TICK_MS}). A call is watched while its
 * state is {@link CallState#watched}; {@link Call#moveTo} adds and removes it.
 */
@Singleton // no client proxy: called on every gateway request
class Watchdog {

    static final long TICK_MS = 100;

    private final Vertx vertx;
    private final Ticker ticker;
    private final ThreadLocal<Set<Call>> calls = ThreadLocal.withInitial(this::newLoop);

    Watchdog(Vertx vertx, Ticker ticker) {
        this.vertx = vertx;
        this.ticker = ticker;
    }

    /** Called on the call's event loop. */
    void watch(Call call) {
        calls.get().add(call);
    }

    /** Called on the call's event loop. */
    void unwatch(Call call) {
        calls.get().remove(call);
    }

    /** The first call on an event loop starts that loop's timer (a timer set on a loop fires on it). */
    private Set<Call> newLoop() {
        Set<Call> watched = new HashSet<>();
        vertx.setPeriodic(TICK_MS, id -> {
            if (watched.isEmpty()) {
                return;
            }
            long now = ticker.nanoTime();
            for (Call c : List.copyOf(watched)) {
                c.checkDeadline(now);
            }
        });
        return watched;
    }
}
