package dev.tally.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tally.platform.time.OrgCalendar;

/**
 * A budget's period in a non-UTC organisation zone (Europe/Paris): the month end, the ISO week, a DST
 * week, the period reset; and the projection rule.
 */
class BudgetCalendarTest {

    static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    static final OrgCalendar CAL = new OrgCalendar(PARIS, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));

    static Budget budget(Period period) {
        return new Budget(
                UUID.randomUUID(),
                "b",
                Scope.ORG,
                null,
                period,
                1_000,
                BudgetMode.BLOCK,
                List.of(50, 80, 100),
                100,
                List.of(),
                UnpricedPolicy.ALLOW,
                List.of(),
                null,
                null);
    }

    @Test
    void aCallAt2330LocalOnTheLastDayOfTheMonthBelongsToThatMonth() {
        // 2026-11-30 23:30 in Paris is 22:30 UTC: still November there
        OrgCalendar.Span s = budget(Period.MONTH).span(CAL, Instant.parse("2026-11-30T22:30:00Z"));
        assertThat(s.first()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(s.end()).isEqualTo(Instant.parse("2026-11-30T23:00:00Z"));
        // half an hour later (00:00 local on 1 December) the period has reset
        OrgCalendar.Span next = budget(Period.MONTH).span(CAL, Instant.parse("2026-11-30T23:00:00Z"));
        assertThat(next.first()).isEqualTo(LocalDate.of(2026, 12, 1));
    }

    @Test
    void aWeekStartsOnMondayAndTheDstWeekHas169Hours() {
        // Sunday 2026-10-25 03:00 CEST becomes 02:00 CET: that ISO week is an hour longer
        OrgCalendar.Span week = budget(Period.WEEK).span(CAL, Instant.parse("2026-10-25T12:00:00Z"));
        assertThat(week.first()).isEqualTo(LocalDate.of(2026, 10, 19));
        assertThat(week.first().getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
        assertThat(Duration.between(week.start(), week.end())).isEqualTo(Duration.ofHours(169));
        // and the spring week an hour shorter
        OrgCalendar.Span spring = budget(Period.WEEK).span(CAL, Instant.parse("2026-03-29T12:00:00Z"));
        assertThat(Duration.between(spring.start(), spring.end())).isEqualTo(Duration.ofHours(167));
    }

    @Test
    void aQuarterAndADayFollowTheLocalCalendar() {
        OrgCalendar.Span q = budget(Period.QUARTER).span(CAL, Instant.parse("2026-12-31T22:59:59Z"));
        assertThat(q.first()).isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(q.last()).isEqualTo(LocalDate.of(2026, 12, 31));
        OrgCalendar.Span day = budget(Period.DAY).span(CAL, Instant.parse("2026-12-31T23:00:00Z"));
        assertThat(day.first()).isEqualTo(LocalDate.of(2027, 1, 1));
    }

    @Test
    void thresholdsAreExactPercentagesOfTheAmount() {
        assertThat(Budget.percentOf(500_000, 50)).isEqualTo(250_000);
        assertThat(Budget.percentOf(500_000, 100)).isEqualTo(500_000);
        assertThat(Budget.percentOf(101, 50)).isEqualTo(51); // rounded up: 50 % is reached at 50.5
        assertThat(Budget.percentOf(Long.MAX_VALUE, 1000)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aPercentageBeyondALongSaturatesInsteadOfWrappingNegative() {
        // $5 billion (accepted: under Long.MAX_VALUE nano-dollars) at 200 %: 10^19 nano-dollars is past a long
        // but below 2^64, where the 128-bit product's high word is still 0
        assertThat(Budget.percentOf(5_000_000_000_000_000_000L, 200)).isEqualTo(Long.MAX_VALUE);
        // $1 billion at 1000 %: a threshold alert at 10^19, not at a negative spend
        assertThat(Budget.percentOf(1_000_000_000_000_000_000L, 1000)).isEqualTo(Long.MAX_VALUE);
        // a downgrade point past a long is never reached, not reached at once
        Budget huge = new Budget(
                UUID.randomUUID(),
                "b",
                Scope.ORG,
                null,
                Period.MONTH,
                5_000_000_000_000_000_000L,
                BudgetMode.DOWNGRADE,
                List.of(100),
                200,
                List.of(new Downgrade("claude-opus-*", "claude-haiku-4-5")),
                UnpricedPolicy.ALLOW,
                List.of(),
                null,
                null);
        assertThat(huge.downgradeFromNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(Budget.percentOf(9_223_372_036_854_775_807L, 100)).isEqualTo(Long.MAX_VALUE);
        assertThat(Budget.percentOf(9_223_372_036_854_775_807L, 50)).isEqualTo(4_611_686_018_427_387_904L);
    }

    @Test
    void theProjectionWaitsForAQuarterOfThePeriodThenExtrapolatesTheRunRate() {
        Instant start = Instant.parse("2026-11-01T00:00:00Z");
        Instant end = Instant.parse("2026-12-01T00:00:00Z");
        assertThat(Projection.of(100, 1_000, start, end, start.plus(Duration.ofDays(7)), 25))
                .isNull();
        Projection p = Projection.of(600, 1_000, start, end, start.plus(Duration.ofDays(10)), 25);
        assertThat(p.projectedNanos()).isEqualTo(1_800);
        // 600 in 10 days: 1,000 after 16 days and 16 hours
        assertThat(p.exhaustedAt()).isEqualTo(start.plus(Duration.ofDays(16)).plus(Duration.ofHours(16)));
        Projection under = Projection.of(200, 1_000, start, end, start.plus(Duration.ofDays(15)), 25);
        assertThat(under.projectedNanos()).isEqualTo(400);
        assertThat(under.exhaustedAt()).isNull();
    }

    @Test
    void downgradePatternsMatchWithStars() {
        assertThat(new Downgrade("claude-opus-*", "claude-haiku-4-5").matches("claude-opus-4-7"))
                .isTrue();
        assertThat(new Downgrade("claude-opus-*", "claude-haiku-4-5").matches("claude-sonnet-4-5"))
                .isFalse();
        assertThat(new Downgrade("gpt-5*", "gpt-5-mini").matches("gpt-5")).isTrue();
        assertThat(new Downgrade("gpt-5", "gpt-5-mini").matches("gpt-5-pro")).isFalse();
    }
}
