package dev.tally.budget;

import java.util.UUID;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/admin/keys/{id}/resume}: lets a key a spike paused call again (idempotent). */
@Path("/api/admin/keys/{id}/resume")
public class KeyResumeResource {

    private final BudgetService budgets;

    public KeyResumeResource(BudgetService budgets) {
        this.budgets = budgets;
    }

    @POST
    public Response resume(@PathParam("id") UUID id) {
        budgets.resumeKey(id);
        return Response.noContent().build();
    }
}
