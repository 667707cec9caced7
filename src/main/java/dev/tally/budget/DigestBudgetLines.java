package dev.tally.budget;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Singleton;

import dev.tally.alert.digest.BudgetLine;
import dev.tally.alert.digest.BudgetLines;

/** The weekly digest's "Spend against budget": every budget in its period at the send time. */
@Singleton
public class DigestBudgetLines implements BudgetLines {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.ENGLISH);

    private final BudgetStatusService statuses;

    public DigestBudgetLines(BudgetStatusService statuses) {
        this.statuses = statuses;
    }

    @Override
    public List<BudgetLine> at(Instant now) {
        return statuses.at(now).stream()
                .map(s -> new BudgetLine(
                        s.name() + " (" + s.scopeName() + ")",
                        period(s.period(), s.periodStart()),
                        s.spentNanos(),
                        s.limitNanos(),
                        s.projectedNanos(),
                        s.state().json()))
                .toList();
    }

    /** "10 Mar 2031", "week of 10 Mar 2031", "March 2031", "Q1 2031". */
    static String period(Period period, OffsetDateTime start) {
        return switch (period) {
            case DAY -> DAY.format(start);
            case WEEK -> "week of " + DAY.format(start);
            case MONTH -> MONTH.format(start);
            case QUARTER -> "Q" + ((start.getMonthValue() - 1) / 3 + 1) + " " + start.getYear();
        };
    }
}
