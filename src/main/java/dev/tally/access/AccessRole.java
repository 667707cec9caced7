package dev.tally.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a person may see. Enforced where the data is read ({@link Viewer}), never by hiding links.
 */
public enum AccessRole {
    /** Everything, including the admin API and the audit log. */
    ADMIN("admin"),
    /** Every dashboard, report, budget and alert (leadership, finance); no key or user management. */
    LEADER("leader"),
    /** Full detail of their own teams; other teams' totals only, never their people. */
    TEAM_LEAD("team_lead"),
    /** Their own usage and their own gateway keys. */
    EMPLOYEE("employee");

    private final String key;

    AccessRole(String key) {
        this.key = key;
    }

    @JsonValue
    public String key() {
        return key;
    }

    /** Higher wins when a person has several (through several SSO groups). */
    public int rank() {
        return values().length - ordinal();
    }

    public static Optional<AccessRole> find(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String k = key.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.key.equals(k)).findFirst();
    }

    @JsonCreator
    public static AccessRole parse(String key) {
        return find(key)
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + key + "' is not a role (admin, leader, team_lead, employee)"));
    }
}
