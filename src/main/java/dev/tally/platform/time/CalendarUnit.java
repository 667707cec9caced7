package dev.tally.platform.time;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;

/** The calendar periods budgets and reports use. A week starts on Monday (ISO 8601). */
public enum CalendarUnit {
    DAY,
    WEEK,
    MONTH,
    QUARTER;

    /** The first day of the period of this unit that contains {@code d}. */
    public LocalDate first(LocalDate d) {
        return switch (this) {
            case DAY -> d;
            case WEEK -> d.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTH -> d.withDayOfMonth(1);
            case QUARTER -> d.with(IsoFields.DAY_OF_QUARTER, 1);
        };
    }

    /** The first day of the next period (the exclusive end of the one containing {@code d}). */
    public LocalDate next(LocalDate d) {
        LocalDate first = first(d);
        return switch (this) {
            case DAY -> first.plusDays(1);
            case WEEK -> first.plusWeeks(1);
            case MONTH -> first.plusMonths(1);
            case QUARTER -> first.plusMonths(3);
        };
    }
}
