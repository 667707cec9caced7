package dev.tally.access;

import java.util.Arrays;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a credential may do. Scoped API tokens carry a subset; a person's role grants some (see
 * {@link Viewer#of}). The keys are also the security roles that the HTTP permissions in
 * application.properties check, so a path's rule and a token's scope are the same word.
 */
public enum Scope {
    /** Read reports and CSV (BI tools, spreadsheets). */
    REPORTS_READ("reports:read"),
    /** Post outcomes, SARIF and CSV imports (CI). */
    OUTCOMES_WRITE("outcomes:write"),
    /** The admin API: teams, employees, keys, prices, users, tokens, the audit log. */
    ADMIN("admin");

    /** Security role of a signed-in person (a session or an SSO token), whatever their role. */
    public static final String PERSON = "person";

    private final String key;

    Scope(String key) {
        this.key = key;
    }

    @JsonValue
    public String key() {
        return key;
    }

    public static Optional<Scope> find(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    @JsonCreator
    public static Scope parse(String key) {
        return find(key)
                .orElseThrow(() -> new IllegalArgumentException(
                        "'" + key + "' is not a scope (reports:read, outcomes:write, admin)"));
    }
}
