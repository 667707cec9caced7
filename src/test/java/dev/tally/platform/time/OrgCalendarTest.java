package dev.tally.platform.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import dev.tally.platform.StartupException;

class OrgCalendarTest {

    static OrgCalendar in(String zone) {
        return new OrgCalendar(ZoneId.of(zone), Clock.fixed(Instant.parse("2026-03-31T21:30:00Z"), ZoneOffset.UTC));
    }

    @Test
    void aCallAt2330LocalOnTheLastDayOfTheMonthBelongsToThatMonth() {
        OrgCalendar ny = in("America/New_York");
        Instant call = Instant.parse("2026-04-01T03:30:00Z"); // 23:30 on 31 March in New York (EDT, UTC-4)
        assertThat(ny.date(call)).isEqualTo(LocalDate.of(2026, 3, 31));
        OrgCalendar.Span month = ny.span(CalendarUnit.MONTH, call);
        assertThat(month.first()).isEqualTo(LocalDate.of(2026, 3, 1));
        assertThat(month.last()).isEqualTo(LocalDate.of(2026, 3, 31));
        assertThat(month.contains(call)).isTrue();
        assertThat(month.end()).isEqualTo(Instant.parse("2026-04-01T04:00:00Z"));
        // The same instant is already April in UTC.
        assertThat(in("UTC").span(CalendarUnit.MONTH, call).first()).isEqualTo(LocalDate.of(2026, 4, 1));
        // Today comes from the injected clock (21:30 UTC on 31 March) in the zone: 1 April in Tokyo.
        assertThat(in("Asia/Tokyo").today()).isEqualTo(LocalDate.of(2026, 4, 1));
    }

    @Test
    void anIsoWeekStartsOnMondayAndCrossesTheYearBoundary() {
        OrgCalendar ny = in("America/New_York");
        // Thursday 1 January 2026: its ISO week runs Monday 29 December 2025 to Sunday 4 January 2026.
        OrgCalendar.Span week = ny.span(CalendarUnit.WEEK, LocalDate.of(2026, 1, 1));
        assertThat(week.first()).isEqualTo(LocalDate.of(2025, 12, 29));
        assertThat(week.last()).isEqualTo(LocalDate.of(2026, 1, 4));
        assertThat(week.start()).isEqualTo(Instant.parse("2025-12-29T05:00:00Z"));
        assertThat(week.end()).isEqualTo(Instant.parse("2026-01-05T05:00:00Z"));
        // A Monday is the first day of its own week.
        assertThat(CalendarUnit.WEEK.first(LocalDate.of(2026, 1, 5))).isEqualTo(LocalDate.of(2026, 1, 5));
    }

    @Test
    void theSpringDstWeekHas167HoursAndTheAutumnWeek169() {
        OrgCalendar berlin = in("Europe/Berlin");
        // Clocks go forward on Sunday 29 March 2026 (02:00 -> 03:00) and back on Sunday 25 October 2026.
        OrgCalendar.Span spring = berlin.span(CalendarUnit.WEEK, LocalDate.of(2026, 3, 29));
        assertThat(spring.first()).isEqualTo(LocalDate.of(2026, 3, 23));
        assertThat(Duration.between(spring.start(), spring.end())).isEqualTo(Duration.ofHours(7 * 24 - 1));
        OrgCalendar.Span autumn = berlin.span(CalendarUnit.WEEK, LocalDate.of(2026, 10, 25));
        assertThat(Duration.between(autumn.start(), autumn.end())).isEqualTo(Duration.ofHours(7 * 24 + 1));
        // The doubled hour of the autumn night belongs to one day, once: both 02:30s are 25 October.
        Instant firstHalfPast2 = Instant.parse("2026-10-25T00:30:00Z");
        Instant secondHalfPast2 = Instant.parse("2026-10-25T01:30:00Z");
        assertThat(berlin.date(firstHalfPast2)).isEqualTo(LocalDate.of(2026, 10, 25));
        assertThat(berlin.date(secondHalfPast2)).isEqualTo(LocalDate.of(2026, 10, 25));
        OrgCalendar.Span day = berlin.span(CalendarUnit.DAY, LocalDate.of(2026, 10, 25));
        assertThat(Duration.between(day.start(), day.end())).isEqualTo(Duration.ofHours(25));
        // Consecutive days tile time: each ends where the next begins.
        assertThat(berlin.span(CalendarUnit.DAY, LocalDate.of(2026, 3, 28)).end())
                .isEqualTo(
                        berlin.span(CalendarUnit.DAY, LocalDate.of(2026, 3, 29)).start());
    }

    @Test
    void quartersStartInJanuaryAprilJulyAndOctober() {
        OrgCalendar utc = in("UTC");
        OrgCalendar.Span q = utc.span(CalendarUnit.QUARTER, LocalDate.of(2026, 5, 17));
        assertThat(q.first()).isEqualTo(LocalDate.of(2026, 4, 1));
        assertThat(q.last()).isEqualTo(LocalDate.of(2026, 6, 30));
        assertThat(utc.span(CalendarUnit.QUARTER, LocalDate.of(2026, 12, 31)).first())
                .isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(utc.span(CalendarUnit.MONTH, LocalDate.of(2028, 2, 10)).last())
                .isEqualTo(LocalDate.of(2028, 2, 29));
    }

    @Test
    void anUnknownZoneIsOneClearLine() {
        assertThatThrownBy(() -> OrgCalendar.zone("Mars/Olympus_Mons"))
                .isInstanceOf(StartupException.class)
                .hasMessage("TALLY_TIMEZONE=Mars/Olympus_Mons is not an IANA time zone: set it to a name such as"
                        + " UTC, Europe/Berlin or America/New_York");
        assertThat(OrgCalendar.zone(" Europe/Berlin ")).isEqualTo(ZoneId.of("Europe/Berlin"));
    }
}
