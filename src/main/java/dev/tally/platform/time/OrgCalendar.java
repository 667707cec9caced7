package dev.tally.platform.time;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

import dev.tally.platform.StartupException;

/**
 * Where the organisation's days, weeks, months and quarters begin ({@code TALLY_TIMEZONE}, an IANA
 * zone, UTC by default). Rollup days, report periods and budget periods all come from here, so a
 * month on the budget page is the same instants as the month on the dashboard.
 *
 * <p>A day is a local date; its instants are {@code [start(day), start(day + 1))}, taken from the
 * zone's rules. A day is therefore 23 or 25 hours long across a DST change, and no instant belongs
 * to two days or to none.
 */
public final class OrgCalendar {

    /** The setting that names the zone (environment variable; property {@code tally.timezone}). */
    public static final String SETTING = "TALLY_TIMEZONE";

    private final ZoneId zone;
    private final Clock clock;

    public OrgCalendar(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    /**
     * The zone a setting names; a name the JDK's time-zone database does not know stops start-up
     * with one line saying what to set instead.
     */
    public static ZoneId zone(String name) {
        try {
            return ZoneId.of(name.trim());
        } catch (DateTimeException e) {
            throw new StartupException(SETTING + "=" + name + " is not an IANA time zone: set it to a name such as"
                    + " UTC, Europe/Berlin or America/New_York");
        }
    }

    public ZoneId zone() {
        return zone;
    }

    public Clock clock() {
        return clock;
    }

    /** The local date of an instant: the rollups' {@code day}. */
    public LocalDate date(Instant t) {
        return LocalDate.ofInstant(t, zone);
    }

    /** Today in the organisation's zone, by the injected clock. */
    public LocalDate today() {
        return date(clock.instant());
    }

    /** The first instant of a local date (after a DST gap at midnight, the first instant that exists). */
    public Instant start(LocalDate day) {
        return day.atStartOfDay(zone).toInstant();
    }

    /**
     * The first instant of the local hour that contains {@code t}: usage per hour is filed under it. A
     * local midnight is such an instant in every zone (also those offset by 30 or 45 minutes from UTC),
     * so whole days are whole hours. In the hour a DST change repeats, each of the two has its own start.
     */
    public Instant hour(Instant t) {
        return t.atZone(zone).truncatedTo(ChronoUnit.HOURS).toInstant();
    }

    /** The period of {@code unit} that contains the instant {@code t}. */
    public Span span(CalendarUnit unit, Instant t) {
        return span(unit, date(t));
    }

    /** The period of {@code unit} that contains the local date {@code d}. */
    public Span span(CalendarUnit unit, LocalDate d) {
        LocalDate first = unit.first(d);
        LocalDate next = unit.next(d);
        return new Span(first, next.minusDays(1), start(first), start(next));
    }

    /** The days {@code first..last} (inclusive) as instants: {@code [start, end)}. */
    public Span span(LocalDate first, LocalDate last) {
        return new Span(first, last, start(first), start(last.plusDays(1)));
    }

    /**
     * A calendar period both as local dates ({@code first..last}, inclusive) and as instants
     * ({@code [start, end)}, end exclusive).
     */
    public record Span(LocalDate first, LocalDate last, Instant start, Instant end) {
        public boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }
}
