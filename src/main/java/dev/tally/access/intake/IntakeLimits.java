package dev.tally.access.intake;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.quarkus.vertx.http.runtime.security.SecurityHandlerPriorities;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.tally.access.AccessConfig;
import dev.tally.platform.Problem;

/**
 * Admission for the outcome intake endpoints ({@code POST /api/outcomes}, {@code …/sarif},
 * {@code …/import}), before a byte of the body is read: the credential has been checked by then
 * (the HTTP permission check runs first, and an unauthenticated request is answered 401 without
 * reading its body); the announced size must be within the endpoint's limit (413) and announced at
 * all (411: a chunked body could only be measured by reading it); and at most
 * {@code max-concurrent-parses} bodies are read and parsed at once on this instance (503 with
 * Retry-After, so a CI job retries later instead of failing). Refused requests close the
 * connection, so an unread body is never waited for.
 */
@ApplicationScoped
public class IntakeLimits {

    private static final Logger LOG = Logger.getLogger(IntakeLimits.class);
    /** Right after the HTTP permission check (order -100), long before Quarkus REST reads the body. */
    static final int ORDER = -1 * SecurityHandlerPriorities.AUTHORIZATION + 10;

    public static final String OUTCOMES = "/api/outcomes";
    public static final String SARIF = "/api/outcomes/sarif";
    public static final String IMPORT = "/api/outcomes/import";

    private final AccessConfig.Intake config;
    private final ObjectMapper json;
    private final Semaphore parses;

    public IntakeLimits(AccessConfig config, ObjectMapper json) {
        this.config = config.intake();
        this.json = json;
        this.parses = new Semaphore(this.config.maxConcurrentParses());
    }

    void install(@Observes Router router) {
        router.post(OUTCOMES)
                .order(ORDER)
                .handler(rc -> admit(rc, config.outcomesMaxBody().asLongValue()));
        router.post(SARIF)
                .order(ORDER)
                .handler(rc -> admit(rc, config.sarifMaxBody().asLongValue()));
        router.post(IMPORT)
                .order(ORDER)
                .handler(rc -> admit(rc, config.importMaxBody().asLongValue()));
    }

    /** Free permits now (for tests and the operations view). */
    public int available() {
        return parses.availablePermits();
    }

    void admit(RoutingContext rc, long maxBody) {
        String length = rc.request().getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (length == null) {
            refuse(rc, 411, "send the body with a Content-Length header (at most " + maxBody + " bytes here)", null);
            return;
        }
        long announced;
        try {
            announced = Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            refuse(rc, 400, "Content-Length: '" + length + "' is not a number", null);
            return;
        }
        if (announced > maxBody) {
            refuse(
                    rc,
                    413,
                    "the body is " + announced + " bytes; " + rc.normalizedPath() + " takes at most " + maxBody
                            + " bytes (tally.access.intake.*)",
                    null);
            return;
        }
        if (!parses.tryAcquire()) {
            long retry = Math.max(1, config.retryAfter().toSeconds());
            LOG.debugf(
                    "intake busy: %d parses running, refusing %s", config.maxConcurrentParses(), rc.normalizedPath());
            refuse(
                    rc,
                    503,
                    config.maxConcurrentParses() + " uploads are being parsed on this instance: retry in " + retry
                            + " s",
                    Long.toString(retry));
            return;
        }
        AtomicBoolean released = new AtomicBoolean();
        rc.addEndHandler(done -> {
            if (released.compareAndSet(false, true)) {
                parses.release();
            }
        });
        rc.next();
    }

    private void refuse(RoutingContext rc, int status, String detail, String retryAfter) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(
                    new Problem("about:blank", reason(status), status, detail, rc.normalizedPath()));
        } catch (JsonProcessingException e) {
            rc.fail(e);
            return;
        }
        var response = rc.response()
                .setStatusCode(status)
                .putHeader(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                .putHeader(HttpHeaderNames.CONNECTION, "close");
        if (retryAfter != null) {
            response.putHeader(HttpHeaderNames.RETRY_AFTER, retryAfter);
        }
        response.end(Buffer.buffer(body));
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 503 -> "Service Unavailable";
            default -> "Error";
        };
    }
}
