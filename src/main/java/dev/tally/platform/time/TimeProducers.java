package dev.tally.platform.time;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.tally.platform.TallyConfig;

/** The organisation's calendar, on the application's clock ({@link dev.tally.platform.TimeSources}). */
@Singleton
public class TimeProducers {

    @Produces
    @Singleton
    OrgCalendar calendar(TallyConfig config, Clock clock) {
        return new OrgCalendar(OrgCalendar.zone(config.timezone()), clock);
    }
}
