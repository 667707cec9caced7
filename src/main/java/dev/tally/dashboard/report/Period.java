package dev.tally.dashboard.report;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

import dev.tally.platform.ApiException;
import dev.tally.rollup.EventDecoder;

/**
 * A range of whole days of the organisation's calendar ({@code TALLY_TIMEZONE}), both ends
 * inclusive ({@code to} is the last day counted). The comparison period is the one of equal length
 * that ends the day before {@code from}.
 */
public record Period(LocalDate from, LocalDate to) {

    /** The longest range a report accepts: keeps a typo in a year from scanning everything. */
    public static final int MAX_DAYS = 3 * 366;

    /**
     * The days a report may name: those of the events' calendar ({@link EventDecoder#TIME_RANGE}), so
     * nothing outside holds data. Outside it a year 0 answered an empty report of a day that never was
     * (PostgreSQL has no year 0), and a far year failed the request (a 500) where the date arithmetic
     * or the database ran out of calendar.
     */
    public static final LocalDate EARLIEST = LocalDate.ofInstant(EventDecoder.EARLIEST_TIME, ZoneOffset.UTC);

    public static final LocalDate LATEST =
            LocalDate.ofInstant(EventDecoder.LATEST_TIME, ZoneOffset.UTC).minusDays(1);

    public Period {
        if (to.isBefore(from)) {
            throw ApiException.badRequest("to: " + to + " is before from " + from + " (both are inclusive ISO dates)");
        }
        if (days(from, to) > MAX_DAYS) {
            throw ApiException.badRequest(
                    "to: the range " + from + ".." + to + " is longer than " + MAX_DAYS + " days");
        }
    }

    private static long days(LocalDate from, LocalDate to) {
        return ChronoUnit.DAYS.between(from, to) + 1;
    }

    public long days() {
        return days(from, to);
    }

    public Period previous() {
        long n = days();
        return new Period(from.minusDays(n), from.minusDays(1));
    }

    /**
     * The period as whole months, read from a month table, and the days around them, read from a
     * day table: the days {@code from..monthsFrom-1} and {@code monthsTo..to}, the months
     * {@code monthsFrom..monthsTo-1} (first days of months). Without a whole month both month
     * bounds are {@code to + 1}, so every day is in the first run and the other two are empty.
     */
    public record Parts(LocalDate from, LocalDate monthsFrom, LocalDate monthsTo, LocalDate to) {}

    public Parts parts() {
        LocalDate first =
                from.getDayOfMonth() == 1 ? from : from.withDayOfMonth(1).plusMonths(1);
        LocalDate end = to.plusDays(1).withDayOfMonth(1);
        return first.isBefore(end)
                ? new Parts(from, first, end, to)
                : new Parts(from, to.plusDays(1), to.plusDays(1), to);
    }

    /**
     * The period a request asks for: {@code preset} (7d, 30d, 90d, mtd) or {@code from}/{@code to}
     * (ISO dates; a missing {@code to} is today, a missing {@code from} is 29 days before
     * {@code to}), not both (a 400). Nothing given = the last 30 days including today (in the organisation's zone).
     */
    public static Period parse(String preset, String from, String to, LocalDate today) {
        boolean custom = (from != null && !from.isBlank()) || (to != null && !to.isBlank());
        if (preset != null && !preset.isBlank() && !"custom".equals(preset)) {
            if (custom) {
                // two periods asked for: answering one of them silently would show figures of a period not asked for
                throw ApiException.badRequest("preset: '" + preset + "' and from/to name two periods: give one of them"
                        + " (or preset=custom with from/to)");
            }
            return switch (preset) {
                case "7d" -> new Period(today.minusDays(6), today);
                case "30d" -> new Period(today.minusDays(29), today);
                case "90d" -> new Period(today.minusDays(89), today);
                case "mtd" -> new Period(today.withDayOfMonth(1), today);
                default ->
                    throw ApiException.badRequest("preset: '" + preset + "' is not one of 7d, 30d, 90d, mtd, custom");
            };
        }
        if (!custom) {
            return new Period(today.minusDays(29), today);
        }
        LocalDate start = from == null || from.isBlank() ? null : date("from", from);
        boolean toGiven = to != null && !to.isBlank();
        LocalDate end = toGiven ? date("to", to) : today;
        if (!toGiven && start != null && start.isAfter(end)) {
            // the caller gave only from: name it, not the "to" it never sent
            throw ApiException.badRequest("from: " + start + " is after today (" + end
                    + "), where a period without to ends (from and to are inclusive ISO dates)");
        }
        return new Period(start == null ? end.minusDays(29) : start, end);
    }

    private static LocalDate date(String field, String value) {
        LocalDate d;
        try {
            d = LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(field + ": '" + value + "' is not an ISO date (yyyy-MM-dd)");
        }
        if (d.isBefore(EARLIEST) || d.isAfter(LATEST)) {
            throw ApiException.badRequest(
                    field + ": '" + value + "' is outside the calendar (" + EARLIEST + " to " + LATEST + ")");
        }
        return d;
    }

    /** Which preset this period equals today, or "custom". */
    public String preset(LocalDate today) {
        if (!to.equals(today)) {
            return "custom";
        }
        if (from.equals(today.withDayOfMonth(1)) && days() != 7 && days() != 30 && days() != 90) {
            return "mtd";
        }
        return switch ((int) days()) {
            case 7 -> "7d";
            case 30 -> "30d";
            case 90 -> "90d";
            default -> from.equals(today.withDayOfMonth(1)) ? "mtd" : "custom";
        };
    }
}
