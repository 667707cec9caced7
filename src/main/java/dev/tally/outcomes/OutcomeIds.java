package dev.tally.outcomes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.tally.rollup.OutcomeKinds;

/**
 * Rules an outcome must meet for the aggregator to count it rather than send it to the DLQ: an id of
 * at most {@link #MAX_ID} characters (the aggregator's decoder limit) and a known kind (the
 * aggregator's own {@link OutcomeKinds} rule, so the two cannot drift apart).
 */
public final class OutcomeIds {

    public static final int MAX_ID = 256;

    public static final String KIND_RULE = OutcomeKinds.RULE;

    private OutcomeIds() {}

    public static boolean validKind(String kind) {
        return OutcomeKinds.isValid(kind);
    }

    /**
     * The id itself when it fits; otherwise its start plus the SHA-256 of the whole id, which is as
     * stable as the id (the same input always gives the same bounded id) and still readable.
     */
    public static String bounded(String id) {
        if (id.length() <= MAX_ID) {
            return id;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return id.substring(0, MAX_ID - 65) + "~" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
