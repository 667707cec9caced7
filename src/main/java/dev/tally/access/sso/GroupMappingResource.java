package dev.tally.access.sso;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** {@code /api/admin/group-mappings}: SSO group → role and teams (admin only). */
@Path("/api/admin/group-mappings")
public class GroupMappingResource {

    private final GroupMappings mappings;

    public GroupMappingResource(GroupMappings mappings) {
        this.mappings = mappings;
    }

    /** Every mapping, from configuration and from this API ({@code source}). */
    @GET
    public List<GroupMapping> list() {
        return List.copyOf(mappings.all().values());
    }

    /** {@code {role?, teamIds?}}: members of the group get this role (the highest of their groups wins) and teams. */
    @PUT
    @Path("{group}")
    public GroupMapping put(@PathParam("group") String group, @NotNull GroupMappingUpdate req) {
        return mappings.put(group, req);
    }

    @DELETE
    @Path("{group}")
    public Response delete(@PathParam("group") String group) {
        mappings.delete(group);
        return Response.noContent().build();
    }
}
