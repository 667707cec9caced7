package dev.tally.outcomes.mapping;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.outcomes.Intake;

/** {@code POST /api/admin/employees/import}: employees (and their teams) from a CSV, all rows or none. */
@Path("/api/admin/employees/import")
public class EmployeeImportResource {

    private final EmployeeImportService service;
    private final AuditLog audit;

    public EmployeeImportResource(EmployeeImportService service, AuditLog audit) {
        this.service = service;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public EmployeeImportService.Imported importCsv(
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        Intake.requireType(contentType, Intake.CSV_TYPES);
        EmployeeImportService.Imported imported = service.importCsv(body);
        audit.record(AuditTarget.IMPORT, AuditChange.UPLOAD, "employees-csv", null, imported);
        return imported;
    }
}
