package dev.tally.budget.enforce;

import dev.tally.events.CallOutcome;
import dev.tally.gateway.Usage;
import dev.tally.gateway.admission.Reservation;
import dev.tally.pricing.Price;

/**
 * A call's estimated cost held in the counters of the budgets covering it while it runs, replaced
 * by its exact cost when it ends (priced as the usage event prices it); that cost then stays in the
 * counters until the rollup counts it ({@link OwnSpend}).
 */
final class CallCharge implements Reservation {

    private final String requestId;
    private final EnforcedBudget[] budgets;
    private final Price price;
    private final long estimate;
    private final OwnSpend own;

    CallCharge(String requestId, EnforcedBudget[] budgets, Price price, long estimate, OwnSpend own) {
        this.requestId = requestId;
        this.budgets = budgets;
        this.price = price;
        this.estimate = estimate;
        this.own = own;
    }

    @Override
    public void settle(Usage u, CallOutcome outcome) {
        long actual = price == null ? 0 : price.cost(u.input, u.output, u.cacheRead, u.cacheWrite, u.cacheWrite1h);
        long delta = actual - estimate;
        for (EnforcedBudget b : budgets) {
            b.counter.add(delta);
        }
        if (actual != 0) {
            own.track(requestId, budgets, actual);
        }
    }
}
