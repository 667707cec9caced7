package dev.tally.outcomes.github;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * GitHub's {@code X-Hub-Signature-256}: {@code sha256=} + hex HMAC-SHA256 of the raw request body,
 * keyed with the webhook secret. Compared in constant time so the signature cannot be guessed byte by
 * byte from response timings.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Hub-Signature-256";
    static final String PREFIX = "sha256=";

    public enum Result {
        VALID,
        MISSING,
        MALFORMED,
        MISMATCH
    }

    private final byte[] secret;

    public WebhookSignature(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("webhook secret is empty");
        }
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    public Result verify(byte[] body, String header) {
        if (header == null || header.isBlank()) {
            return Result.MISSING;
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return Result.MALFORMED;
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(h.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return Result.MALFORMED;
        }
        return MessageDigest.isEqual(hmac(body), presented) ? Result.VALID : Result.MISMATCH;
    }

    /** The header value GitHub would send for {@code body}. */
    public String sign(byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(body));
    }

    private byte[] hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body == null ? new byte[0] : body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
