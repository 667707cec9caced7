package dev.tally.access.audit;

import com.fasterxml.jackson.annotation.JsonValue;

/** What an audited change changed. */
public enum AuditTarget {
    TEAM("team"),
    EMPLOYEE("employee"),
    KEY("key"),
    USER("user"),
    GROUP_MAPPING("group_mapping"),
    TOKEN("token"),
    PRICE("price"),
    REPO_RULE("repo_rule"),
    IMPORT("import"),
    BUDGET("budget"),
    ALERT_CHANNEL("alert_channel");

    private final String key;

    AuditTarget(String key) {
        this.key = key;
    }

    @JsonValue
    public String key() {
        return key;
    }
}
