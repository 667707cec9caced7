package dev.tally.platform.time;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;

import dev.tally.platform.TallyConfig;

/** The application's clock and calendar: injected, so tests can use fixed or moved time instead. */
@Singleton
public class TimeProducers {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    OrgCalendar calendar(TallyConfig config, Clock clock) {
        return new OrgCalendar(OrgCalendar.zone(config.timezone()), clock);
    }
}
