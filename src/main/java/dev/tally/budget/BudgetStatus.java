package dev.tally.budget;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One budget in its current period (the budgets report and page). Money in nano-dollars; the spend
 * is the rolled-up one, so it equals the sum of the counted usage events to the nano-dollar.
 *
 * @param projectedNanos       the period's spend at the run rate so far; null until enough of the
 *                             period has elapsed ({@link Projection})
 * @param projectedExhaustedAt when the run rate reaches the amount, if it does within the period
 * @param percent              spent / limit in percent, one decimal (null for a zero limit)
 * @param unpricedCalls        calls in scope left out of {@code spentNanos} because their model has no price
 * @param downgradeFromNanos   a downgrade budget's point: from this spend the gateways route its listed
 *                             models to their targets (its {@code fromPercent} of the amount); null
 *                             for the other modes
 * @param link                 the team page (URL path) to read more, or the budgets page
 */
public record BudgetStatus(
        UUID budgetId,
        String name,
        Scope scope,
        String scopeId,
        String scopeName,
        Period period,
        BudgetMode mode,
        long spentNanos,
        long limitNanos,
        Long projectedNanos,
        OffsetDateTime projectedExhaustedAt,
        Double percent,
        OffsetDateTime periodStart,
        OffsetDateTime periodEnd,
        BudgetState state,
        long unpricedCalls,
        Long downgradeFromNanos,
        String link) {

    /** Whether the gateways downgrade this budget's listed models now (spend at or past its point). */
    public boolean downgrading() {
        return downgradeFromNanos != null && spentNanos >= downgradeFromNanos;
    }
}
