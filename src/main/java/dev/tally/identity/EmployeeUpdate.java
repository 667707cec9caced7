package dev.tally.identity;

import java.util.UUID;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code PATCH /api/admin/employees/{id}}: a field left out (or null) stays as it is; an empty
 * {@code githubLogin} removes the login.
 */
// an answer's own fields, sent back in a GET-change-PUT round trip, are read-only and ignored;
// any other field the record lacks is a 400 naming it (quarkus.jackson.fail-on-unknown-properties)
@JsonIgnoreProperties({"id", "createdAt"})
public record EmployeeUpdate(
        @Email @Size(min = 3, max = 320) String email,
        @Size(min = 1, max = 200) String name,
        UUID teamId,

        @Pattern(
                regexp = "|" + GITHUB_LOGIN,
                message = "must be a GitHub login (letters, digits, '-', at most 39), or empty to remove it")
        String githubLogin) {

    static final String GITHUB_LOGIN = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})";
}
