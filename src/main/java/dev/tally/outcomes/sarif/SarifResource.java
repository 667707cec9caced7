package dev.tally.outcomes.sarif;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.tally.outcomes.Intake;
import dev.tally.outcomes.OutcomeAuth;

/**
 * {@code POST /api/outcomes/sarif?repo=owner/name[&workload=name]}: a SARIF 2.1.0 log as code scanners
 * write it; {@code workload} ties its findings to the workload that found them (docs/workloads.md).
 */
@Path("/api/outcomes/sarif")
public class SarifResource {

    static final List<String> ACCEPTED = List.of(Intake.SARIF_JSON, Intake.JSON, Intake.OCTET_STREAM);

    private final SarifService service;
    private final OutcomeAuth auth;

    public SarifResource(SarifService service, OutcomeAuth auth) {
        this.service = service;
        this.auth = auth;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public SarifService.Uploaded upload(@QueryParam("repo") String repo, @QueryParam("workload") String workload,
            @HeaderParam("Authorization") String authorization, @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            byte[] body) {
        auth.check(authorization);
        Intake.requireType(contentType, ACCEPTED);
        return service.upload(repo, workload, body);
    }
}
