package dev.tally.dashboard.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A merged pull request as delivery metrics read it: its facts ({@code pr_fact}) with the team,
 * author and AI attribution of its outcome, and whether a later PR reverted or hot-fixed it (decided
 * by {@link ChangeFailures} under the current rules).
 */
public record PrRecord(
        String id,
        String repository,
        int number,
        String title,
        UUID teamId,
        UUID employeeId,
        String author,
        boolean aiAssisted,
        Instant openedAt,
        Instant firstReviewAt,
        Instant mergedAt,
        Integer additions,
        Integer deletions,
        Integer commits,
        Integer reviewRounds,
        String mergeCommitSha,
        boolean reverted,
        boolean hotfixed) {

    static final double SECONDS_PER_HOUR = 3600.0;

    /** Opened → merged in hours; null when the opening time is unknown or after the merge (clock skew). */
    public Double cycleHours() {
        return hours(openedAt, mergedAt);
    }

    /** Opened → first review in hours; null without a review. */
    public Double firstReviewHours() {
        return hours(openedAt, firstReviewAt);
    }

    /** Lines added and deleted; null when the payload did not say. */
    public Integer size() {
        return additions == null || deletions == null ? null : additions + deletions;
    }

    public PrRecord withFailures(boolean reverted, boolean hotfixed) {
        return new PrRecord(
                id,
                repository,
                number,
                title,
                teamId,
                employeeId,
                author,
                aiAssisted,
                openedAt,
                firstReviewAt,
                mergedAt,
                additions,
                deletions,
                commits,
                reviewRounds,
                mergeCommitSha,
                reverted,
                hotfixed);
    }

    private static Double hours(Instant from, Instant to) {
        if (from == null || to == null || to.isBefore(from)) {
            return null;
        }
        return Duration.between(from, to).getSeconds() / SECONDS_PER_HOUR;
    }
}
