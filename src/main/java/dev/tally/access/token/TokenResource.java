package dev.tally.access.token;

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
import jakarta.ws.rs.core.Response;

/** {@code /api/admin/tokens}: scoped API tokens for CI and BI tools (admin only, see application.properties). */
@Path("/api/admin/tokens")
public class TokenResource {

    private final TokenService tokens;

    public TokenResource(TokenService tokens) {
        this.tokens = tokens;
    }

    /** {@code {name, scopes: [reports:read|outcomes:write|admin], expiresAt?}} → {@code {id, token, …}}, the token once. */
    @POST
    public Response create(@Valid @NotNull NewToken req) {
        CreatedToken t = tokens.create(req);
        return Response.created(URI.create("/api/admin/tokens/" + t.id()))
                .entity(t)
                .build();
    }

    @GET
    public List<TokenView> list() {
        return tokens.list();
    }

    @GET
    @Path("{id}")
    public TokenView get(@PathParam("id") UUID id) {
        return tokens.get(id);
    }

    /** Revokes the token: the next request with it gets 401. Idempotent. */
    @DELETE
    @Path("{id}")
    public Response revoke(@PathParam("id") UUID id) {
        tokens.revoke(id);
        return Response.noContent().build();
    }
}
