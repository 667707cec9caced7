package dev.tally.budget;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a budget stands in its period, the first that holds: {@code exceeded} once the spend reaches
 * the amount (a {@code $0} block budget, which allows no spend, and a {@code $0} downgrade budget,
 * which downgrades from the start, from the period's start); {@code downgrading} for a downgrade
 * budget whose spend reached its downgrade point (from the period's start when that point is 0 %),
 * as the gateways route its listed models to their targets; {@code warning} from its lowest
 * threshold below 100 % or when the projection passes the amount.
 */
public enum BudgetState {
    OK,
    WARNING,
    DOWNGRADING,
    EXCEEDED;

    @JsonValue
    public String json() {
        return JsonNames.of(this);
    }
}
