package dev.tally.outcomes.config;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

/**
 * The clock outcome ingestion reads time from (upload times, when a finding was fixed). A default
 * bean: tests and any application-wide {@code Clock} producer replace it.
 */
public class OutcomesClock {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
