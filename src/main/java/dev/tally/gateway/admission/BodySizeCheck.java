package dev.tally.gateway.admission;

import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;

import dev.tally.gateway.GatewayConfig;

/**
 * A body announced ({@code Content-Length}) over {@code tally.gateway.max-body-size} is refused
 * before a byte of it is read. A body sent without a length is capped while it is read.
 */
@Singleton
public class BodySizeCheck implements AdmissionCheck {

    static final CharSequence H_CONTENT_LENGTH = HttpHeaders.createOptimized("content-length");

    private final long maxBody;

    public BodySizeCheck(GatewayConfig config) {
        this.maxBody = config.maxBodySize().asLongValue();
    }

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    @Override
    public int order() {
        return 200;
    }

    @Override
    public Refusal check(PendingCall call) {
        if (announcedLength(call.header(H_CONTENT_LENGTH)) > maxBody) {
            return tooLarge(maxBody);
        }
        return PASS;
    }

    /** The refusal of a body over the limit, whether announced or found while reading. */
    public static Refusal tooLarge(long maxBody) {
        return Refusal.of(RefusalReason.TOO_LARGE, "the request body is larger than " + maxBody + " bytes");
    }

    /** The announced length, or -1 when there is none or it is not a number. */
    public static long announcedLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
