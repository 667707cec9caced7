package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** When the warm-up gives way: the clients' call rate over whole windows, on a ticker the test moves. */
class WarmUpLoadTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong calls = new AtomicLong();
    private final WarmUp.Load load = new WarmUp.Load(calls::get, now::get);

    private static final long WINDOW = WarmUp.WINDOW_MILLIS * 1_000_000;

    /** {@code n} calls recorded over one window, then the next look. */
    private boolean window(long n) {
        calls.addAndGet(n);
        now.addAndGet(WINDOW);
        return load.busy();
    }

    private static long perWindow(double callsPerSecond) {
        return (long) Math.ceil(callsPerSecond * WarmUp.WINDOW_MILLIS / 1000.0);
    }

    @Test
    void isCalmUntilAWholeWindowHasBeenMeasured() {
        assertThat(load.busy()).isFalse();
        calls.addAndGet(1_000_000);
        now.addAndGet(WINDOW - 1);
        assertThat(load.busy()).as("part of a window").isFalse();
    }

    @Test
    void isBusyAtTheBusyRateAndCalmJustBelowIt() {
        load.busy();
        assertThat(window(perWindow(WarmUp.BUSY_CALLS_PER_SECOND))).isTrue();
        assertThat(window(perWindow(WarmUp.BUSY_CALLS_PER_SECOND) - 1)).isFalse();
    }

    @Test
    void countsHowLongItHasBeenBusyWithoutACalmWindowBetween() {
        long busy = perWindow(2 * WarmUp.BUSY_CALLS_PER_SECOND);
        load.busy();
        assertThat(load.busyNanos()).isZero();
        window(busy);
        window(busy);
        window(busy);
        assertThat(load.busyNanos()).as("three busy windows").isEqualTo(3 * WINDOW);
        window(0);
        assertThat(load.busyNanos()).as("a calm window starts the count again").isZero();
        window(busy);
        assertThat(load.busyNanos()).isEqualTo(WINDOW);
        window(busy);
        assertThat(load.busyNanos()).isEqualTo(2 * WINDOW);
    }

    @Test
    void countsHowLongTheCallsHaveStayedBelowTheBusyRate() {
        load.busy();
        assertThat(load.calmNanos()).as("nothing measured yet").isZero();
        window(0);
        window(perWindow(WarmUp.BUSY_CALLS_PER_SECOND) - 1);
        assertThat(load.calmNanos()).isEqualTo(2 * WINDOW);
        window(perWindow(WarmUp.BUSY_CALLS_PER_SECOND));
        assertThat(load.calmNanos()).as("a busy window starts the count again").isZero();
        window(0);
        assertThat(load.calmNanos()).isEqualTo(WINDOW);
        assertThat(load.lookingNanos()).isEqualTo(4 * WINDOW);
    }

    @Test
    void aLookWithinAWindowKeepsTheLastVerdict() {
        load.busy();
        assertThat(window(perWindow(2 * WarmUp.BUSY_CALLS_PER_SECOND))).isTrue();
        now.addAndGet(WINDOW / 2);
        assertThat(load.busy()).isTrue();
    }
}
