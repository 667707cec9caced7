package dev.tally.identity;

import java.util.UUID;

import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code POST /api/admin/employees}, and the whole employee for {@code PUT}. E-mail addresses are
 * stored in lower case and unique; GitHub logins are unique without case (GitHub's own rule).
 */
// an answer's own fields, sent back in a GET-change-PUT round trip, are read-only and ignored;
// any other field the record lacks is a 400 naming it (quarkus.jackson.fail-on-unknown-properties)
@JsonIgnoreProperties({"id", "createdAt"})
public record NewEmployee(
        @NotBlank @Email @Size(max = 320) String email,
        @NotBlank @Size(max = 200) String name,
        @NotNull UUID teamId,

        @Pattern(
                regexp = EmployeeUpdate.GITHUB_LOGIN,
                message = "must be a GitHub login (letters, digits, '-', at most 39)")
        String githubLogin) {}
