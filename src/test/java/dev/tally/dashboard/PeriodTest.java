package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;

import org.junit.jupiter.api.Test;

import dev.tally.dashboard.report.Period;
import dev.tally.platform.ApiException;

class PeriodTest {

    static final LocalDate TODAY = LocalDate.of(2026, 3, 15);

    static Period period(String from, String to) {
        return new Period(LocalDate.parse(from), LocalDate.parse(to));
    }

    @Test
    void presetsEndTodayAndThePreviousPeriodHasTheSameLength() {
        Period p = Period.parse("7d", null, null, TODAY);
        assertThat(p).isEqualTo(period("2026-03-09", "2026-03-15"));
        assertThat(p.previous()).isEqualTo(period("2026-03-02", "2026-03-08"));
        assertThat(Period.parse("mtd", null, null, TODAY)).isEqualTo(period("2026-03-01", "2026-03-15"));
        assertThat(Period.parse(null, null, null, TODAY).days()).isEqualTo(30);
        assertThat(Period.parse(null, "2026-01-01", null, TODAY)).isEqualTo(period("2026-01-01", "2026-03-15"));
        assertThat(Period.parse("90d", null, null, TODAY).preset(TODAY)).isEqualTo("90d");
        assertThat(Period.parse("mtd", null, null, TODAY).preset(TODAY)).isEqualTo("mtd");
        assertThat(Period.parse("30d", null, null, TODAY).preset(TODAY.plusDays(1)))
                .isEqualTo("custom");
    }

    @Test
    void badRangesAreRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> period("2026-02-01", "2026-01-01"))
                .isInstanceOf(ApiException.class)
                .hasMessageContaining("is before from");
        assertThatThrownBy(() -> Period.parse("week", null, null, TODAY)).hasMessageStartingWith("preset:");
        assertThatThrownBy(() -> Period.parse(null, "2026-13-01", null, TODAY)).hasMessageStartingWith("from:");
        assertThatThrownBy(() -> period("2020-01-01", "2026-01-01")).hasMessageContaining("longer than");
        // only from, in the future: the error names from, the one field the caller sent
        assertThatThrownBy(() -> Period.parse(null, TODAY.plusDays(3).toString(), null, TODAY))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("from: " + TODAY.plusDays(3) + " is after today");
    }

    @Test
    void aPresetWithFromOrToIsRefusedRatherThanOneOfThemIgnored() {
        assertThatThrownBy(() -> Period.parse("7d", "2026-01-01", "2026-01-31", TODAY))
                .isInstanceOf(ApiException.class)
                .hasMessageStartingWith("preset: ");
        assertThatThrownBy(() -> Period.parse("mtd", null, "2026-02-10", TODAY)).hasMessageStartingWith("preset: ");
        // "custom" (the picker's own value) goes with dates; a blank from/to is no date
        assertThat(Period.parse("custom", "2026-01-01", "2026-01-31", TODAY))
                .isEqualTo(period("2026-01-01", "2026-01-31"));
        assertThat(Period.parse("7d", "", " ", TODAY)).isEqualTo(period("2026-03-09", "2026-03-15"));
    }

    @Test
    void wholeMonthsAreSplitFromTheDaysAroundThem() {
        // 90 days ending 15 March: 16 December .. 15 March = days 16-31 Dec, January + February, days 1-15 March.
        Period.Parts p = Period.parse("90d", null, null, TODAY).parts();
        assertThat(p)
                .isEqualTo(new Period.Parts(
                        LocalDate.parse("2025-12-16"),
                        LocalDate.parse("2026-01-01"),
                        LocalDate.parse("2026-03-01"),
                        LocalDate.parse("2026-03-15")));
        // A period that is exactly one month: the month, and no days.
        assertThat(period("2026-02-01", "2026-02-28").parts())
                .isEqualTo(new Period.Parts(
                        LocalDate.parse("2026-02-01"),
                        LocalDate.parse("2026-02-01"),
                        LocalDate.parse("2026-03-01"),
                        LocalDate.parse("2026-02-28")));
        // No whole month: every day in the first run, no months, and an empty last run.
        Period.Parts days = period("2026-01-20", "2026-02-10").parts();
        assertThat(days.monthsFrom()).isEqualTo(LocalDate.parse("2026-02-11"));
        assertThat(days.monthsTo()).isEqualTo(LocalDate.parse("2026-02-11"));
        // Within one month, starting on its first day.
        assertThat(period("2026-03-01", "2026-03-15").parts().monthsFrom()).isEqualTo(LocalDate.parse("2026-03-16"));
    }
}
