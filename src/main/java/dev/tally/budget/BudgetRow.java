package dev.tally.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

import io.quarkus.qute.TemplateData;

/** One budget as the pages show it: money in dollars, the bar's width, the state in words. */
@TemplateData
public record BudgetRow(
        UUID id,
        String name,
        String scopeName,
        String scopeLabel,
        String link,
        String period,
        String mode,
        String state,
        String stateLabel,
        String spent,
        String limit,
        String projected,
        String percentLabel,
        int barPercent,
        Integer projectedPercent,
        long unpricedCalls) {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    static BudgetRow of(BudgetStatus s) {
        String period = s.period().json() + ", " + DAY.format(s.periodStart()) + " – "
                + DAY.format(s.periodEnd().minusNanos(1));
        String stateLabel = switch (s.state()) {
            case OK -> "on track";
            case WARNING -> "warning";
            // past its downgrade point, under its amount: not "spent", but its calls are downgraded
            case DOWNGRADING -> "downgrading";
            // a downgrade point above 100 % (fromPercent up to 1000) is not reached at the amount
            case EXCEEDED ->
                s.mode() == BudgetMode.BLOCK
                        ? "spent: calls refused"
                        : s.downgrading() ? "spent: downgrading" : "over budget";
        };
        // a $0 limit has no percentage: its bar is full once it is exceeded (spent, or a $0 block or
        // downgrade budget, which refuses or downgrades from the period's start)
        int bar = s.percent() == null
                ? (s.state() == BudgetState.EXCEEDED ? 100 : 0)
                : (int) Math.min(100, Math.round(s.percent()));
        Integer projected = s.projectedNanos() == null || s.limitNanos() == 0
                ? null
                : (int) Math.min(100, s.projectedNanos() * 100 / s.limitNanos());
        return new BudgetRow(
                s.budgetId(),
                s.name(),
                s.scopeName(),
                s.scope().json(),
                s.link(),
                period,
                s.mode().json(),
                s.state().json(),
                stateLabel,
                usd(s.spentNanos()),
                usd(s.limitNanos()),
                s.projectedNanos() == null ? "–" : usd(s.projectedNanos()),
                s.percent() == null ? "–" : s.percent() + " %",
                bar,
                projected,
                s.unpricedCalls());
    }

    /** Dollars with cents, and more decimals only for amounts under a dollar that need them ($0.0005). */
    static String usd(long nanos) {
        BigDecimal d = BigDecimal.valueOf(nanos, 9);
        BigDecimal cents = d.setScale(2, RoundingMode.HALF_UP);
        if (cents.compareTo(d) == 0 || d.abs().compareTo(BigDecimal.ONE) >= 0) {
            return "$" + String.format(Locale.ENGLISH, "%,.2f", cents);
        }
        return "$" + d.stripTrailingZeros().toPlainString();
    }
}
