package dev.tally.budget.enforce;

import java.util.Map;
import java.util.UUID;

import dev.tally.events.CallOutcome;
import dev.tally.gateway.Usage;
import dev.tally.gateway.admission.Reservation;
import dev.tally.pricing.Price;

/**
 * A call's estimated cost held in the counters of the budgets covering it while it runs, replaced
 * by its exact cost when it ends (priced as the usage event prices it); that cost then stays in the
 * counters until the rollup counts it ({@link OwnSpend}). The usage event is dated when the call
 * ends, so a call still running when its budgets' period turns (or their mode changes) is held in
 * the budgets' new counters from the next refresh on ({@link #follow}).
 */
final class CallCharge implements Reservation {

    private final String requestId;
    /** The entries the estimate is held in: this call's own copy, moved by {@link #follow}. */
    private final EnforcedBudget[] budgets;

    private final Price price;
    private final long estimate;
    private final OwnSpend own;
    private boolean settled;

    CallCharge(String requestId, EnforcedBudget[] budgets, Price price, long estimate, OwnSpend own) {
        this.requestId = requestId;
        this.budgets = budgets.clone();
        this.price = price;
        this.estimate = estimate;
        this.own = own;
        own.hold(this);
    }

    @Override
    public void settle(Usage u, CallOutcome outcome) {
        own.ended(this);
        long actual = price == null ? 0 : price.cost(u.input, u.output, u.cacheRead, u.cacheWrite, u.cacheWrite1h);
        long delta = actual - estimate;
        synchronized (this) {
            settled = true;
            for (EnforcedBudget b : budgets) {
                b.counter.add(delta);
            }
        }
        if (actual != 0) {
            own.track(requestId, budgets, actual);
        }
    }

    /**
     * Moves the estimate of a call still in flight to the counter each budget has now ({@code current}:
     * budget id → its entry of this refresh), where it differs: a new period, or a new mode.
     */
    synchronized void follow(Map<UUID, EnforcedBudget> current) {
        if (settled) {
            return;
        }
        for (int i = 0; i < budgets.length; i++) {
            EnforcedBudget now = current.get(budgets[i].budget.id());
            if (now != null && now.counter != budgets[i].counter) {
                budgets[i].counter.add(-estimate);
                now.counter.add(estimate);
                budgets[i] = now;
            }
        }
    }
}
