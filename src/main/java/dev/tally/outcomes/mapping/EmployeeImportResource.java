package dev.tally.outcomes.mapping;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code POST /api/admin/employees/import}: employees (and their teams) from a CSV, all rows or none. */
@Path("/api/admin/employees/import")
public class EmployeeImportResource {

    private final EmployeeImportService service;

    public EmployeeImportResource(EmployeeImportService service) {
        this.service = service;
    }

    @POST
    @Consumes({ "text/csv", "application/csv", MediaType.TEXT_PLAIN })
    @Produces(MediaType.APPLICATION_JSON)
    public EmployeeImportService.Imported importCsv(String body) {
        return service.importCsv(body);
    }
}
