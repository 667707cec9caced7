package dev.tally.outcomes.api;

import java.io.IOException;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.common.annotation.Blocking;

import dev.tally.outcomes.Intake;
import dev.tally.platform.ApiException;

/**
 * {@code POST /api/outcomes}: one outcome or a JSON array of them, as plain JSON or as CloudEvents
 * (structured mode, single or batch). Answers 202 with the ids handed to Kafka; the aggregator
 * counts each id once, so re-posting is safe. Like the CSV and SARIF uploads it needs the
 * outcomes:write scope (what it accepts becomes ROI that leaders read), checked with the size and
 * concurrency limits before the body is read (application.properties, IntakeLimits).
 */
@Path("/api/outcomes")
public class OutcomeResource {

    public static final String CLOUDEVENTS_JSON = Intake.CLOUDEVENTS_JSON;
    public static final String CLOUDEVENTS_BATCH_JSON = Intake.CLOUDEVENTS_BATCH_JSON;

    /** Response body: the ids accepted, in request order. */
    public record Accepted(List<String> accepted) {}

    static final List<String> ACCEPTED = Intake.OUTCOME_TYPES;

    private final OutcomeService service;
    private final ObjectMapper mapper;

    public OutcomeResource(OutcomeService service, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
    }

    @POST
    @Blocking
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response post(@HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, byte[] body) {
        Intake.requireType(contentType, ACCEPTED);
        JsonNode json;
        try {
            json = body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("unreadable body: " + e.getMessage());
        }
        return Response.accepted(new Accepted(service.accept(json))).build();
    }
}
