package dev.tally.alert.digest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

class DigestWeekTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final LocalTime EIGHT = LocalTime.of(8, 0);

    @Test
    void onMondayAtEightLocalTheDigestOfTheWeekBeforeIsDue() {
        // Monday 7 Dec 2026, 08:00 in Berlin is 07:00 UTC
        DigestWeek w = DigestWeek.due(Instant.parse("2026-12-07T07:00:00Z"), BERLIN, DayOfWeek.MONDAY, EIGHT);
        assertThat(w.first()).isEqualTo(LocalDate.of(2026, 11, 30));
        assertThat(w.last()).isEqualTo(LocalDate.of(2026, 12, 6));
        assertThat(w.sendAt()).isEqualTo(Instant.parse("2026-12-07T07:00:00Z"));
        assertThat(w.id()).isEqualTo("digest:2026-11-30");
    }

    @Test
    void aMinuteBeforeSendTimeTheDigestDueIsStillLastWeeksOne() {
        DigestWeek w = DigestWeek.due(Instant.parse("2026-12-07T06:59:00Z"), BERLIN, DayOfWeek.MONDAY, EIGHT);
        assertThat(w.first()).isEqualTo(LocalDate.of(2026, 11, 23));
        assertThat(w.sendAt()).isEqualTo(Instant.parse("2026-11-30T07:00:00Z"));
    }

    @Test
    void anInstanceThatWasDownAtSendTimeStillFindsThatWeeksDigestDueLaterInTheWeek() {
        DigestWeek w = DigestWeek.due(Instant.parse("2026-12-10T15:00:00Z"), BERLIN, DayOfWeek.MONDAY, EIGHT);
        assertThat(w.first()).isEqualTo(LocalDate.of(2026, 11, 30));
    }

    @Test
    void sundayNightUtcIsAlreadyMondayMorningInTokyo() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        DigestWeek w = DigestWeek.due(Instant.parse("2026-12-06T23:30:00Z"), tokyo, DayOfWeek.MONDAY, EIGHT);
        assertThat(w.first()).isEqualTo(LocalDate.of(2026, 11, 30));
        assertThat(w.sendAt()).isEqualTo(Instant.parse("2026-12-06T23:00:00Z"));
    }

    @Test
    void aSendTimeInsideTheSpringForwardGapIsMovedLaterNotSkipped() {
        // Sunday 29 March 2026: Berlin skips 02:00-03:00; a digest set for Sunday 02:30 goes out at 03:30 CEST
        DigestWeek w =
                DigestWeek.due(Instant.parse("2026-03-29T01:30:00Z"), BERLIN, DayOfWeek.SUNDAY, LocalTime.of(2, 30));
        assertThat(w.sendAt()).isEqualTo(Instant.parse("2026-03-29T01:30:00Z"));
        assertThat(w.first()).isEqualTo(LocalDate.of(2026, 3, 16));
        assertThat(w.last()).isEqualTo(LocalDate.of(2026, 3, 22));
    }
}
