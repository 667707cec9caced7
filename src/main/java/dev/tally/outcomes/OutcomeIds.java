package dev.tally.outcomes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

import dev.tally.events.OutcomeData;

/**
 * Rules an outcome must meet for the aggregator to count it rather than send it to the DLQ: an id of
 * at most {@link #MAX_ID} characters and a known kind (the four built-in kinds or
 * {@code custom_<name>}). Kept in step with {@code dev.tally.rollup}'s decoder.
 */
public final class OutcomeIds {

    public static final int MAX_ID = 256;

    static final Set<String> BUILT_IN_KINDS = Set.of(OutcomeData.PR_MERGED, OutcomeData.BUG_CAUGHT,
            OutcomeData.SECURITY_FINDING, OutcomeData.TASK_AUTOMATED);
    private static final Pattern CUSTOM_KIND = Pattern.compile("custom_[a-z0-9_]{1,57}");
    public static final String KIND_RULE = "one of pr_merged, bug_caught, security_finding, task_automated, "
            + "or custom_<name> with [a-z0-9_]";

    private OutcomeIds() {
    }

    public static boolean validKind(String kind) {
        return kind != null && (BUILT_IN_KINDS.contains(kind) || CUSTOM_KIND.matcher(kind).matches());
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
