package dev.tally.identity;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import dev.tally.platform.Ids;

/** Gateway keys admin API: the key is in the creation answer only; lists show the prefix. */
@Path("/api/admin/keys")
public class KeyResource {

    private final IdentityService identity;

    public KeyResource(IdentityService identity) {
        this.identity = identity;
    }

    @POST
    public Response create(@Valid @NotNull NewKey key) {
        CreatedKey created = identity.createKey(key);
        return Response.created(URI.create("/api/admin/keys/" + created.id()))
                .entity(created)
                .build();
    }

    /** All keys, or those of {@code employeeId}. */
    @GET
    public List<KeyView> list(@QueryParam("employeeId") String employeeId) {
        return identity.keys(Ids.optional("employeeId", employeeId));
    }

    @GET
    @Path("{id}")
    public KeyView get(@PathParam("id") UUID id) {
        return identity.key(id);
    }

    /** Revokes the key: every gateway refuses it within seconds. Idempotent. */
    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") UUID id) {
        identity.revokeKey(id);
        return Response.noContent().build();
    }
}
