package dev.tally.outcomes.github;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;

import dev.tally.outcomes.Intake;
import dev.tally.outcomes.config.GitHubConfig;
import dev.tally.platform.ApiException;

/**
 * {@code POST /api/webhooks/github}: organisation or repository webhook deliveries (content type
 * JSON). The signature is checked over the raw bytes before anything is parsed; a used delivery is
 * recorded and answered 202 at once, then processed on a worker thread.
 *
 * <p>The body is read as a stream and capped at GitHub's payload maximum ({@link #MAX_BODY}): a larger
 * announced {@code Content-Length} is refused with 413 before a byte is read, and a chunked body is
 * refused as soon as it passes the cap, so no caller makes Tally hold more than that.
 */
@Path(Intake.WEBHOOK_PATH)
public class GitHubWebhookResource {

    public static final String METRIC = "tally.github.webhook.deliveries";
    /**
     * GitHub caps webhook payloads at 25 MB and does not deliver larger ones; read as MiB, so no payload
     * GitHub sends is refused.
     */
    public static final int MAX_BODY = 25 * 1024 * 1024;

    static final String UNVERIFIED = "unverified";
    static final List<String> ACCEPTED = List.of(Intake.JSON);

    /** The answer to GitHub (shown in the webhook's "Recent Deliveries"). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reply(String delivery, String status, String detail) {}

    private final GitHubConfig config;
    private final WebhookIntake intake;
    private final DeliveryProcessor processor;
    private final ObjectMapper mapper;
    private final MeterRegistry metrics;
    private final WebhookSignature signature;

    public GitHubWebhookResource(
            GitHubConfig config,
            WebhookIntake intake,
            DeliveryProcessor processor,
            ObjectMapper mapper,
            MeterRegistry metrics) {
        this.config = config;
        this.intake = intake;
        this.processor = processor;
        this.mapper = mapper;
        this.metrics = metrics;
        this.signature = config.webhookSecret()
                .filter(s -> !s.isEmpty())
                .map(WebhookSignature::new)
                .orElse(null);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(
            InputStream stream,
            @HeaderParam("Content-Length") String contentLength,
            @HeaderParam(WebhookSignature.HEADER) String signatureHeader,
            @HeaderParam("X-GitHub-Event") String event,
            @HeaderParam("X-GitHub-Delivery") String delivery,
            @HeaderParam("Content-Type") String contentType) {
        // Until the signature is verified the event header is the caller's word: it is not used as a
        // metric tag then, so unsigned requests cannot create meters without bound.
        if (signature == null) {
            count(UNVERIFIED, "disabled");
            throw new ApiException(
                    503,
                    "GitHub webhooks are disabled: set TALLY_GITHUB_WEBHOOK_SECRET to the "
                            + "secret configured on the GitHub webhook");
        }
        // Before the signature: a form-encoded delivery is signed over bytes the framework may already have
        // parsed as a form, so its signature could not be checked; its only fix is the webhook's setting.
        try {
            Intake.requireType(contentType, ACCEPTED);
        } catch (ApiException e) {
            count(UNVERIFIED, "malformed");
            throw new ApiException(415, e.getMessage() + Intake.WEBHOOK_HINT);
        }
        byte[] body = readCapped(stream, contentLength);
        switch (signature.verify(body, signatureHeader)) {
            case VALID -> {}
            case MISSING -> {
                count(UNVERIFIED, "unauthorized");
                throw new ApiException(401, "X-Hub-Signature-256 is missing: configure the webhook's secret");
            }
            case MALFORMED -> {
                count(UNVERIFIED, "unauthorized");
                throw new ApiException(401, "X-Hub-Signature-256 is not sha256=<hex>");
            }
            case MISMATCH -> {
                count(UNVERIFIED, "unauthorized");
                throw new ApiException(
                        401,
                        "X-Hub-Signature-256 does not match the body signed with " + "TALLY_GITHUB_WEBHOOK_SECRET");
            }
        }
        if (event == null || event.isBlank()) {
            count(null, "malformed");
            throw ApiException.badRequest("X-GitHub-Event header is missing");
        }
        if (delivery == null || delivery.isBlank() || delivery.length() > 200) {
            count(event, "malformed");
            throw ApiException.badRequest("X-GitHub-Delivery header is missing or too long");
        }
        JsonNode payload;
        try {
            payload = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            count(event, "malformed");
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            count(event, "malformed");
            throw ApiException.badRequest("unreadable body: " + e.getMessage());
        }
        if (payload == null || !payload.isObject()) {
            count(event, "malformed");
            throw ApiException.badRequest("malformed JSON: the payload is not a JSON object");
        }
        if (GitHubEvents.PING.equals(event)) {
            count(event, "ping");
            return Response.ok(new Reply(delivery, "pong", payload.path("zen").asText(null)))
                    .build();
        }
        WebhookIntake.Recorded r = intake.record(delivery, event, payload, new String(body, StandardCharsets.UTF_8));
        switch (r.result()) {
            case DUPLICATE -> {
                count(event, "duplicate");
                return Response.ok(new Reply(delivery, "duplicate", r.reason())).build();
            }
            case RECORDED -> {
                count(event, "recorded");
                return Response.accepted(new Reply(delivery, "recorded", r.reason()))
                        .build();
            }
            case IGNORED -> {
                count(event, "ignored");
                return Response.accepted(new Reply(delivery, "ignored", r.reason()))
                        .build();
            }
            default -> {
                count(event, "accepted");
                processor.submit(delivery);
                return Response.accepted(new Reply(delivery, "accepted", null)).build();
            }
        }
    }

    /** The body, at most {@link #MAX_BODY} bytes, grown as it arrives (never allocated at the announced size). */
    private byte[] readCapped(InputStream stream, String contentLength) {
        if (contentLength != null && announcedTooLarge(contentLength)) {
            throw tooLarge();
        }
        byte[] body;
        try {
            body = stream.readNBytes(MAX_BODY + 1);
        } catch (IOException e) {
            count(UNVERIFIED, "malformed");
            throw ApiException.badRequest("unreadable body: " + e.getMessage());
        }
        if (body.length > MAX_BODY) {
            throw tooLarge();
        }
        return body;
    }

    private static boolean announcedTooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.strip()) > MAX_BODY;
        } catch (NumberFormatException e) {
            return false; // the HTTP server has already refused a malformed Content-Length
        }
    }

    private ApiException tooLarge() {
        count(UNVERIFIED, "too_large");
        return new ApiException(
                413, "the body is larger than GitHub's webhook payload maximum of " + MAX_BODY / (1024 * 1024) + " MB");
    }

    private void count(String event, String result) {
        metrics.counter(METRIC, "event", event == null || event.length() > 64 ? "unknown" : event, "result", result)
                .increment();
    }
}
