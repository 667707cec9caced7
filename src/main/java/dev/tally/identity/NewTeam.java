package dev.tally.identity;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/admin/teams}. Team names are unique, compared without case. */
public record NewTeam(
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Size(max = 200) String department) {}
