package dev.tally.budget.enforce;

import dev.tally.budget.Budget;
import dev.tally.budget.BudgetMode;
import dev.tally.budget.UnpricedPolicy;
import dev.tally.platform.share.SharedCounter;
import dev.tally.platform.time.OrgCalendar;

/**
 * A budget as one gateway holds it for its current period: the rolled-up spend at the last refresh
 * ({@code base}), what the other gateways had spent beyond it ({@code othersUsed}), and this
 * gateway's own counter (its finished calls not yet rolled up plus its reservations in flight).
 */
final class EnforcedBudget {

    final Budget budget;
    final OrgCalendar.Span span;
    final SharedCounter counter;
    volatile long base;
    volatile long othersUsed;

    EnforcedBudget(Budget budget, OrgCalendar.Span span, SharedCounter counter) {
        this.budget = budget;
        this.span = span;
        this.counter = counter;
    }

    /** The counter's name: the budget, its period and its mode (a new mode starts a new counter). */
    /** The prefix of budgets' counters in the exchange (the gateway's per-key limits have their own). */
    static final String NAMESPACE = "budget:";

    static String counterName(Budget b, OrgCalendar.Span span) {
        return NAMESPACE + b.id() + "/" + span.first() + "/" + b.mode().json();
    }

    /** Whether this gateway exchanges a share of it with the others (the modes that act in the gateway). */
    boolean shared() {
        return budget.mode() != BudgetMode.ALERT;
    }

    /** Whether a call under this budget is looked at by the gateway at all. */
    boolean acts() {
        return shared() || budget.unpriced() == UnpricedPolicy.BLOCK;
    }

    /** The spend this gateway knows of: rolled up, the others' beyond that, and its own. */
    long known() {
        return base + othersUsed + counter.used();
    }

    /** A downgrade budget past its downgrade point. */
    boolean downgrading() {
        return budget.mode() == BudgetMode.DOWNGRADE && known() >= budget.downgradeFromNanos();
    }
}
