package dev.tally.outcomes;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tally.platform.ApiException;

/**
 * The content types an intake endpoint accepts, checked by the endpoint itself so that a wrong one
 * is answered with a 415 that names what to send instead (the framework's own 415 names nothing).
 */
public final class Intake {

    public static final String JSON = "application/json";
    public static final String SARIF_JSON = "application/sarif+json";
    public static final String CSV = "text/csv";
    public static final String OCTET_STREAM = "application/octet-stream";
    /** What a CSV upload may be labelled: RFC 7111's text/csv, the older application/csv, or plain text. */
    public static final List<String> CSV_TYPES = List.of(CSV, "application/csv", "text/plain");

    public static final String CLOUDEVENTS_JSON = "application/cloudevents+json";
    public static final String CLOUDEVENTS_BATCH_JSON = "application/cloudevents-batch+json";
    /** {@code POST /api/outcomes}. */
    public static final List<String> OUTCOME_TYPES = List.of(JSON, CLOUDEVENTS_JSON, CLOUDEVENTS_BATCH_JSON);
    /** {@code POST /api/outcomes/sarif}. */
    public static final List<String> SARIF_TYPES = List.of(SARIF_JSON, JSON, OCTET_STREAM);

    public static final String WEBHOOK_PATH = "/api/webhooks/github";
    /** What GitHub's form-encoded webhook setting needs instead. */
    public static final String WEBHOOK_HINT = " (set the webhook's content type to application/json)";

    /** The intake endpoints that take something other than JSON, by path. */
    private static final Map<String, List<String>> BY_PATH = Map.of(
            "/api/outcomes", OUTCOME_TYPES,
            "/api/outcomes/sarif", SARIF_TYPES,
            "/api/outcomes/import", CSV_TYPES,
            "/api/admin/employees/import", CSV_TYPES);

    private Intake() {}

    /** Throws 415 unless {@code contentType} (parameters such as charset ignored) is one of {@code accepted}. */
    public static void requireType(String contentType, List<String> accepted) {
        String type = mediaType(contentType);
        if (!accepted.contains(type)) {
            throw new ApiException(415, refusal(type, accepted));
        }
    }

    /**
     * The 415's words for a form body sent to an API path: what that path takes instead (JSON where
     * it is not an intake endpoint), and for the GitHub webhook which setting to change.
     */
    public static String formRefusal(String path, String contentType) {
        String detail = refusal(mediaType(contentType), BY_PATH.getOrDefault(path, List.of(JSON)));
        return path.equals(WEBHOOK_PATH) ? detail + WEBHOOK_HINT : detail;
    }

    private static String mediaType(String contentType) {
        return contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    }

    private static String refusal(String type, List<String> accepted) {
        return (type.isEmpty() ? "no Content-Type was sent" : "Content-Type " + type + " is not accepted here")
                + ": send " + String.join(" or ", accepted);
    }
}
