package dev.tally.identity;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import dev.tally.platform.Ids;

/**
 * Employees admin API. The CSV import ({@code /api/admin/employees/import}) lives with the outcomes
 * feature, in its own resource.
 */
@Path("/api/admin/employees")
public class EmployeeResource {

    private final IdentityService identity;

    public EmployeeResource(IdentityService identity) {
        this.identity = identity;
    }

    @POST
    public Response create(@Valid @NotNull NewEmployee employee) {
        EmployeeView created = identity.createEmployee(employee);
        return Response.created(URI.create("/api/admin/employees/" + created.id()))
                .entity(created)
                .build();
    }

    /** All employees, or those of {@code teamId}. */
    @GET
    public List<EmployeeView> list(@QueryParam("teamId") String teamId) {
        return identity.employees(Ids.optional("teamId", teamId));
    }

    @GET
    @Path("{id}")
    public EmployeeView get(@PathParam("id") UUID id) {
        return identity.employee(id);
    }

    @PATCH
    @Path("{id}")
    public EmployeeView update(@PathParam("id") UUID id, @Valid @NotNull EmployeeUpdate update) {
        return identity.updateEmployee(id, update);
    }

    @PUT
    @Path("{id}")
    public EmployeeView replace(@PathParam("id") UUID id, @Valid @NotNull NewEmployee employee) {
        return identity.replaceEmployee(id, employee);
    }
}
