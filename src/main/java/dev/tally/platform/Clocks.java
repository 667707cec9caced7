package dev.tally.platform;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/**
 * The {@link Clock} that features inject (UTC). A default bean, so a test can put a clock it moves
 * in its place, and a feature that needs another clock can produce its own.
 */
public class Clocks {

    @Produces
    @Singleton
    @DefaultBean
    public Clock clock() {
        return Clock.systemUTC();
    }
}
