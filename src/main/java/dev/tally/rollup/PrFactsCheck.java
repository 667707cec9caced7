package dev.tally.rollup;

import java.time.Instant;
import java.util.List;

import dev.tally.events.PrFacts;

/**
 * The bounds the aggregator holds a {@code pr_merged} outcome's {@code data.pr} to before it stores
 * them: an identity (repository and number), non-negative counts, and bounded texts and lists, so one
 * odd event can neither break the insert nor make a row of unbounded size.
 */
final class PrFactsCheck {

    static final int MAX_TEXT = 300;
    static final int MAX_LIST = 100;

    private PrFactsCheck() {}

    /** The facts as stored: merged at the outcome's time when they do not say. */
    static PrFacts check(PrFacts pr, Instant occurredAt) throws InvalidEventException {
        text("data.pr.repository", pr.repository(), true);
        if (pr.repository().indexOf('/') <= 0) {
            throw new InvalidEventException("data.pr.repository: not owner/name");
        }
        if (pr.number() == null || pr.number() <= 0) {
            throw new InvalidEventException(
                    "data.pr.number: " + (pr.number() == null ? "missing" : "must be positive"));
        }
        text("data.pr.title", pr.title(), false);
        text("data.pr.author", pr.author(), false);
        text("data.pr.mergeCommitSha", pr.mergeCommitSha(), false);
        text("data.pr.revertsTitle", pr.revertsTitle(), false);
        count("data.pr.additions", pr.additions());
        count("data.pr.deletions", pr.deletions());
        count("data.pr.changedFiles", pr.changedFiles());
        count("data.pr.commits", pr.commits());
        count("data.pr.reviewRounds", pr.reviewRounds());
        list("data.pr.labels", pr.labels());
        list("data.pr.reverts", pr.reverts());
        list("data.pr.mentions", pr.mentions());
        EventDecoder.time("data.pr.openedAt", pr.openedAt());
        EventDecoder.time("data.pr.firstReviewAt", pr.firstReviewAt());
        EventDecoder.time("data.pr.mergedAt", pr.mergedAt());
        if (pr.mergedAt() != null) {
            return pr;
        }
        return new PrFacts(
                pr.repository(),
                pr.number(),
                pr.title(),
                pr.author(),
                pr.openedAt(),
                pr.firstReviewAt(),
                occurredAt,
                pr.additions(),
                pr.deletions(),
                pr.changedFiles(),
                pr.commits(),
                pr.reviewRounds(),
                pr.reviews(),
                pr.labels(),
                pr.mergeCommitSha(),
                pr.reverts(),
                pr.revertsTitle(),
                pr.mentions());
    }

    private static void text(String field, String value, boolean required) throws InvalidEventException {
        if (value == null || value.isBlank()) {
            if (required) {
                throw new InvalidEventException(field + ": missing");
            }
            return;
        }
        if (value.length() > MAX_TEXT) {
            throw new InvalidEventException(field + ": longer than " + MAX_TEXT + " characters");
        }
    }

    private static void count(String field, Integer n) throws InvalidEventException {
        if (n != null && n < 0) {
            throw new InvalidEventException(field + ": must not be negative, got " + n);
        }
    }

    private static void list(String field, List<String> values) throws InvalidEventException {
        if (values.size() > MAX_LIST) {
            throw new InvalidEventException(field + ": more than " + MAX_LIST + " entries");
        }
        for (String v : values) {
            if (v == null) {
                throw new InvalidEventException(field + ": contains null");
            }
            text(field, v, false);
        }
    }
}
