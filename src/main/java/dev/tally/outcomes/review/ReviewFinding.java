package dev.tally.outcomes.review;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A finding an AI reviewer raised in an inline review comment, and whether it was fixed.
 *
 * @param startLine first line of a multi-line comment, null for one line
 * @param endLine   the commented line (the last of a range); null when the comment is on a whole file
 * @param commitId  the commit the line numbers refer to
 * @param fixedBy   how it was fixed, null while open
 */
public record ReviewFinding(
        long commentId,
        String repository,
        int prNumber,
        String reviewer,
        String login,
        UUID teamId,
        UUID employeeId,
        String path,
        Integer startLine,
        Integer endLine,
        String side,
        String commitId,
        String severity,
        List<String> evidence,
        String url,
        Instant flaggedAt,
        Instant fixedAt,
        FixedBy fixedBy,
        String fixedRef) {

    /** What showed that a finding was fixed. */
    public enum FixedBy {
        /** Its review thread was resolved ({@code pull_request_review_thread} {@code resolved}). */
        THREAD_RESOLVED,
        /** A later commit of the pull request changed the lines it commented on (compare API). */
        LINES_CHANGED,
        /** The reviewer edited its comment to say a commit addressed it (CodeRabbit's "✅ Addressed in commits"). */
        REVIEWER_CONFIRMED;

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The natural id of the flagged outcome (kind {@code bug_flagged}). */
    public String flaggedId() {
        return "github:review-comment:" + commentId;
    }

    /** The natural id of the fixed outcome (kind {@code bug_caught}): one per finding, however it was fixed. */
    public String fixedId() {
        return flaggedId() + ":fixed";
    }

    /** The first line commented on (a one-line comment's only line). */
    public Integer firstLine() {
        return startLine != null ? startLine : endLine;
    }
}
