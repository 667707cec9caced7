package dev.tally.outcomes.sarif;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import dev.tally.outcomes.OutcomeAuth;

/** {@code POST /api/outcomes/sarif?repo=owner/name}: a SARIF 2.1.0 log as code scanners write it. */
@Path("/api/outcomes/sarif")
public class SarifResource {

    private final SarifService service;
    private final OutcomeAuth auth;

    public SarifResource(SarifService service, OutcomeAuth auth) {
        this.service = service;
        this.auth = auth;
    }

    @POST
    @Consumes({ MediaType.APPLICATION_JSON, "application/sarif+json", MediaType.APPLICATION_OCTET_STREAM })
    @Produces(MediaType.APPLICATION_JSON)
    public SarifService.Uploaded upload(@QueryParam("repo") String repo,
            @HeaderParam("Authorization") String authorization, byte[] body) {
        auth.check(authorization);
        return service.upload(repo, body);
    }
}
