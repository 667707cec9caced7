package dev.tally.budget;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** Budgets admin API (DESIGN.md): {@code POST/GET/PUT/DELETE /api/admin/budgets}. */
@Path("/api/admin/budgets")
public class BudgetResource {

    private final BudgetService budgets;

    public BudgetResource(BudgetService budgets) {
        this.budgets = budgets;
    }

    @POST
    public Response create(BudgetInput in) {
        BudgetView b = BudgetView.of(budgets.create(in));
        return Response.created(URI.create("/api/admin/budgets/" + b.id()))
                .entity(b)
                .build();
    }

    @GET
    public List<BudgetView> list() {
        return budgets.all().stream().map(BudgetView::of).toList();
    }

    @GET
    @Path("{id}")
    public BudgetView get(@PathParam("id") UUID id) {
        return BudgetView.of(budgets.get(id));
    }

    @PUT
    @Path("{id}")
    public BudgetView update(@PathParam("id") UUID id, BudgetInput in) {
        return BudgetView.of(budgets.update(id, in));
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") UUID id) {
        budgets.delete(id);
        return Response.noContent().build();
    }
}
