package dev.tally.outcomes.sarif;

import java.util.List;
import java.util.Map;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import dev.tally.access.audit.AuditChange;
import dev.tally.access.audit.AuditLog;
import dev.tally.access.audit.AuditTarget;
import dev.tally.outcomes.Intake;

/**
 * {@code POST /api/outcomes/sarif?repo=owner/name[&workload=name]}: a SARIF 2.1.0 log as code scanners
 * write it; {@code workload} ties its findings to the workload that found them (docs/workloads.md).
 * Needs the outcomes:write scope, checked with the size and concurrency limits before the body is
 * read (application.properties, IntakeLimits).
 */
@Path("/api/outcomes/sarif")
public class SarifResource {

    static final List<String> ACCEPTED = Intake.SARIF_TYPES;

    private final SarifService service;
    private final AuditLog audit;

    public SarifResource(SarifService service, AuditLog audit) {
        this.service = service;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public SarifService.Uploaded upload(
            @QueryParam("repo") String repo,
            @QueryParam("workload") String workload,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            byte[] body) {
        Intake.requireType(contentType, ACCEPTED);
        SarifService.Uploaded uploaded = service.upload(repo, workload, body);
        // a summary: the outcome ids can be thousands, and the events carry them
        audit.record(
                AuditTarget.IMPORT,
                AuditChange.UPLOAD,
                "sarif:" + repo,
                null,
                Map.of(
                        "repo",
                        uploaded.repo(),
                        "teamId",
                        String.valueOf(uploaded.teamId()),
                        "results",
                        uploaded.results(),
                        "findings",
                        uploaded.findings(),
                        "tools",
                        uploaded.tools()));
        return uploaded;
    }
}
