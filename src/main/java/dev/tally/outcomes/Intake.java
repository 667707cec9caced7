package dev.tally.outcomes;

import java.util.List;
import java.util.Locale;

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

    private Intake() {
    }

    /** Throws 415 unless {@code contentType} (parameters such as charset ignored) is one of {@code accepted}. */
    public static void requireType(String contentType, List<String> accepted) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!accepted.contains(type)) {
            throw new ApiException(415, (type.isEmpty() ? "no Content-Type was sent" : "Content-Type " + type
                    + " is not accepted here") + ": send " + String.join(" or ", accepted));
        }
    }
}
