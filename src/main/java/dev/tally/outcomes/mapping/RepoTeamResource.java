package dev.tally.outcomes.mapping;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code /api/admin/repo-teams}: the repository → team fallback rules (the admin token guards it). */
@Path("/api/admin/repo-teams")
@Produces(MediaType.APPLICATION_JSON)
public class RepoTeamResource {

    /** One rule: {@code pattern} is an exact {@code owner/name} or a glob with {@code *}. */
    public record RuleDto(@NotBlank String pattern, @NotNull UUID teamId, String source) {}

    private final RepoTeamService service;

    public RepoTeamResource(RepoTeamService service) {
        this.service = service;
    }

    @GET
    public List<RuleDto> list() {
        return service.list();
    }

    /** Replaces every admin rule with the given set (rules from configuration stay as they are). */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public List<RuleDto> replace(@NotNull List<@NotNull @Valid RuleDto> rules) {
        return service.replace(rules);
    }
}
