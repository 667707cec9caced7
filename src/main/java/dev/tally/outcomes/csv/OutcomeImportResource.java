package dev.tally.outcomes.csv;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.tally.outcomes.Intake;
import dev.tally.outcomes.OutcomeAuth;

/** {@code POST /api/outcomes/import}: outcomes from a CSV file, all rows or none. */
@Path("/api/outcomes/import")
public class OutcomeImportResource {

    private final OutcomeImportService service;
    private final OutcomeAuth auth;

    public OutcomeImportResource(OutcomeImportService service, OutcomeAuth auth) {
        this.service = service;
        this.auth = auth;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public OutcomeImportService.Imported importCsv(@HeaderParam("Authorization") String authorization,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String body) {
        auth.check(authorization);
        Intake.requireType(contentType, Intake.CSV_TYPES);
        return service.importCsv(body);
    }
}
