package dev.tally.platform;

import java.util.Set;
import java.util.stream.Collectors;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;

/**
 * The one exception mapper of the REST API: every error leaves as RFC 7807 problem+json, except that
 * a refused page (a browser asking for HTML outside /api) gets the same words as a small HTML page.
 */
public class ProblemMapper {

    private static final Logger LOG = Logger.getLogger(ProblemMapper.class);

    private final Template errorPage;

    public ProblemMapper(@Location("error.html") Template errorPage) {
        this.errorPage = errorPage;
    }

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri, HttpHeaders headers) {
        if (wantsPage(uri, headers)) {
            Response.Status s = Response.Status.fromStatusCode(e.status());
            return Response.status(e.status())
                    .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                    .entity(errorPage
                            .data("status", e.status())
                            .data("title", s == null ? "Error" : s.getReasonPhrase())
                            .data("detail", e.getMessage())
                            .render())
                    .build();
        }
        return problem(e.status(), e.getMessage(), uri);
    }

    /** A page request from a browser: not the API or a chart, and HTML accepted. */
    static boolean wantsPage(UriInfo uri, HttpHeaders headers) {
        String path = uri == null ? "" : uri.getPath();
        if (path.startsWith("/api/") || path.startsWith("/charts/") || headers == null) {
            return false;
        }
        return headers.getAcceptableMediaTypes().stream()
                .anyMatch(m -> m.isCompatible(MediaType.TEXT_HTML_TYPE) && !m.isWildcardType());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri) {
        return problem(400, detail(e.getConstraintViolations()), uri);
    }

    /** Bean Validation's findings in the API's words ({@code name: must not be blank}), for pages too. */
    public static String detail(Set<? extends ConstraintViolation<?>> violations) {
        return violations.stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + ": " + v.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return problem(400, jsonDetail(e), uri);
    }

    /**
     * A field the body's record does not have ({@code quarkus.jackson.fail-on-unknown-properties}):
     * mapped here because Quarkus' own mapper of its superclass would answer without naming it.
     */
    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e, UriInfo uri) {
        return problem(400, jsonDetail(e), uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (status == 400 && cause instanceof JsonProcessingException jpe) {
            return problem(400, jsonDetail(jpe), uri);
        }
        return problem(status, e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        LOG.error("unhandled error on " + uri.getPath(), e);
        return problem(500, "internal error", uri);
    }

    /** A refused field's own message (it names the field), else what made the JSON unreadable. */
    private static String jsonDetail(JsonProcessingException e) {
        if (e instanceof UnrecognizedPropertyException u) {
            return unknownField(u);
        }
        return e instanceof JsonFieldException ? e.getOriginalMessage() : "malformed JSON: " + e.getOriginalMessage();
    }

    /**
     * {@code downgrade.fromPercnt: unknown field; expected one of fromPercent, models}: the path as
     * the other field errors give it ({@code [1].pattern} in a list), and the fields of that object.
     */
    static String unknownField(UnrecognizedPropertyException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        String known = e.getKnownPropertyIds() == null
                ? ""
                : e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
        return (path.isEmpty() ? e.getPropertyName() : path) + ": unknown field"
                + (known.isEmpty() ? "" : "; expected one of " + known);
    }

    static String lastNode(String path) {
        int i = path.lastIndexOf('.');
        return i < 0 ? path : path.substring(i + 1);
    }

    static Response problem(int status, String detail, UriInfo uri) {
        Response.Status s = Response.Status.fromStatusCode(status);
        String title = s == null ? "Error" : s.getReasonPhrase();
        return Response.status(status)
                .type("application/problem+json")
                .entity(new Problem("about:blank", title, status, detail, uri == null ? null : uri.getPath()))
                .build();
    }
}
