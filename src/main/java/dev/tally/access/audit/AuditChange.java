package dev.tally.access.audit;

import com.fasterxml.jackson.annotation.JsonValue;

/** How it changed; the audit log's {@code action} is {@code <target>.<change>}, e.g. {@code key.revoke}. */
public enum AuditChange {
    CREATE("create"),
    UPDATE("update"),
    DELETE("delete"),
    REVOKE("revoke"),
    RESUME("resume"),
    PASSWORD_RESET("password_reset"),
    UPLOAD("upload");

    private final String key;

    AuditChange(String key) {
        this.key = key;
    }

    @JsonValue
    public String key() {
        return key;
    }
}
