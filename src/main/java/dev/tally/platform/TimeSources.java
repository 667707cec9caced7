package dev.tally.platform;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/**
 * The clocks every bean injects: wall time as a {@link Clock} (UTC) and monotonic time as a
 * {@link Ticker}. Both are default beans, so a test can put its own in their place.
 */
@Singleton
public class TimeSources {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    @DefaultBean
    Ticker ticker() {
        return Ticker.SYSTEM;
    }
}
