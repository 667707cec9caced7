package dev.tally.budget;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a budget does with calls to a model without a price, which it cannot count: let them through
 * (its status says how many it left out) or refuse them.
 */
public enum UnpricedPolicy {
    ALLOW,
    BLOCK;

    @JsonValue
    public String json() {
        return JsonNames.of(this);
    }

    static UnpricedPolicy parse(String s) {
        return JsonNames.parse(values(), s);
    }
}
