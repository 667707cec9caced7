package dev.tally.budget;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a budget does once spent: only alert, refuse calls, or route listed models to cheaper ones. */
public enum BudgetMode {
    ALERT, BLOCK, DOWNGRADE;

    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    static BudgetMode parse(String s) {
        for (BudgetMode v : values()) {
            if (v.json().equals(s)) {
                return v;
            }
        }
        return null;
    }
}
