package dev.tally.platform;

/**
 * Monotonic time for durations and deadlines ({@link System#nanoTime()} in production). Injected
 * wherever a test needs to move it: a unit test passes its own ticker instead of waiting.
 */
@FunctionalInterface
public interface Ticker {

    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long nanoTime();
}
