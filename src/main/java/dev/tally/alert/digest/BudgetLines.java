package dev.tally.alert.digest;

import java.util.List;

/**
 * Where the digest reads the budgets' current figures. The budgets feature provides them
 * ({@code BudgetStatusService#current()}); until a bean of this type adapts it, {@link NoBudgetLines}
 * answers "no budgets" and the digest leaves its budget section out.
 */
public interface BudgetLines {

    List<BudgetLine> current();
}
