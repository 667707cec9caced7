package dev.tally.outcomes.api;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.JsonNode;

import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /api/outcomes}: one outcome or a JSON array of them, as plain JSON or as CloudEvents
 * (structured mode, single or batch). Answers 202 with the ids handed to Kafka; the aggregator
 * counts each id once, so re-posting is safe. Like the CSV and SARIF uploads it needs the
 * outcomes:write scope (what it accepts becomes ROI that leaders read), checked with the size and
 * concurrency limits before the body is read (application.properties, IntakeLimits).
 */
@Path("/api/outcomes")
public class OutcomeResource {

    public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
    public static final String CLOUDEVENTS_BATCH_JSON = "application/cloudevents-batch+json";

    /** Response body: the ids accepted, in request order. */
    public record Accepted(List<String> accepted) {
    }

    private final OutcomeService service;

    public OutcomeResource(OutcomeService service) {
        this.service = service;
    }

    @POST
    @Blocking
    @Consumes({ MediaType.APPLICATION_JSON, CLOUDEVENTS_JSON, CLOUDEVENTS_BATCH_JSON })
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(JsonNode body) {
        return Response.accepted(new Accepted(service.accept(body))).build();
    }
}
