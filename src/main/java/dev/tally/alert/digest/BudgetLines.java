package dev.tally.alert.digest;

import java.time.Instant;
import java.util.List;

/**
 * Where the digest reads the budgets' figures: the budgets feature provides them
 * ({@code dev.tally.budget.DigestBudgetLines}, from {@code BudgetStatusService}); without budgets,
 * {@link NoBudgetLines} answers none and the digest leaves its budget section out.
 */
public interface BudgetLines {

    /** Each budget in its period at {@code now} (the digest's send time), spend so far against its limit. */
    List<BudgetLine> at(Instant now);
}
