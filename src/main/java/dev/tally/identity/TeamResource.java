package dev.tally.identity;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** Teams admin API (admins only: the HTTP permission on /api/admin/* in application.properties). */
@Path("/api/admin/teams")
public class TeamResource {

    private final IdentityService identity;

    public TeamResource(IdentityService identity) {
        this.identity = identity;
    }

    @POST
    public Response create(@Valid @NotNull NewTeam team) {
        TeamView created = identity.createTeam(team);
        return Response.created(URI.create("/api/admin/teams/" + created.id()))
                .entity(created)
                .build();
    }

    @GET
    public List<TeamView> list() {
        return identity.teams();
    }

    @GET
    @Path("{id}")
    public TeamView get(@PathParam("id") UUID id) {
        return identity.team(id);
    }
}
