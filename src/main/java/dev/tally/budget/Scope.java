package dev.tally.budget;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a budget covers: every call of the organisation, a department, a team, a person or one key. */
public enum Scope {
    ORG,
    DEPARTMENT,
    TEAM,
    EMPLOYEE,
    KEY;

    @JsonValue
    public String json() {
        return JsonNames.of(this);
    }

    /** Parses the API's lower-case name; null when unknown. */
    static Scope parse(String s) {
        return JsonNames.parse(values(), s);
    }
}
