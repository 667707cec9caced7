package dev.tally.budget;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a budget does once spent: only alert, refuse calls, or route listed models to cheaper ones. */
public enum BudgetMode {
    ALERT,
    BLOCK,
    DOWNGRADE;

    @JsonValue
    public String json() {
        return JsonNames.of(this);
    }

    static BudgetMode parse(String s) {
        return JsonNames.parse(values(), s);
    }
}
