package dev.tally.access.user;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** {@code /api/admin/users}: local accounts and their roles (admin only). */
@Path("/api/admin/users")
public class UserResource {

    private final UserService users;

    public UserResource(UserService users) {
        this.users = users;
    }

    /** {@code {email, name, role, teamIds?, password?}} → the account; a generated password is in this answer only. */
    @POST
    public Response create(@Valid @NotNull NewUser req) {
        UserView u = users.create(req);
        return Response.created(URI.create("/api/admin/users/" + u.id()))
                .entity(u)
                .build();
    }

    @GET
    public List<UserView> list() {
        return users.list();
    }

    @GET
    @Path("{id}")
    public UserView get(@PathParam("id") UUID id) {
        return users.get(id);
    }

    /** {@code {name?, role?, teamIds?, disabled?}}: a disabled account's sessions stop at their next request. */
    @PATCH
    @Path("{id}")
    public UserView update(@PathParam("id") UUID id, @Valid @NotNull UserUpdate req) {
        return users.update(id, req);
    }

    /** A new generated password, in this answer only. */
    @POST
    @Path("{id}/password")
    public UserView resetPassword(@PathParam("id") UUID id) {
        return users.resetPassword(id);
    }
}
