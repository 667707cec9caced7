package dev.tally.outcomes.csv;

import java.util.Map;

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

/**
 * {@code POST /api/outcomes/import}: outcomes from a CSV file, all rows or none. Needs the
 * outcomes:write scope, checked before the body is read (application.properties, IntakeLimits).
 */
@Path("/api/outcomes/import")
public class OutcomeImportResource {

    private final OutcomeImportService service;
    private final AuditLog audit;

    public OutcomeImportResource(OutcomeImportService service, AuditLog audit) {
        this.service = service;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public OutcomeImportService.Imported importCsv(
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        Intake.requireType(contentType, Intake.CSV_TYPES);
        OutcomeImportService.Imported imported = service.importCsv(body);
        audit.record(
                AuditTarget.IMPORT, AuditChange.UPLOAD, "outcomes-csv", null, Map.of("imported", imported.imported()));
        return imported;
    }
}
