package dev.tally.outcomes.github;

import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Which webhook deliveries Tally uses: a merged pull request, and reviews or review comments in which
 * an AI reviewer reports a finding. Everything else is acknowledged and counted as ignored.
 */
public final class GitHubEvents {

    public static final String PING = "ping";
    public static final String PULL_REQUEST = "pull_request";
    public static final String PULL_REQUEST_REVIEW = "pull_request_review";
    public static final String PULL_REQUEST_REVIEW_COMMENT = "pull_request_review_comment";

    public enum Kind { PR_MERGED, REVIEW_FINDING, REVIEW_COMMENT_FINDING, IGNORED }

    /** {@code owner/name} as GitHub spells repositories (no blanks, one slash), at most 200 characters. */
    private static final Pattern REPOSITORY = Pattern.compile("[^/\\s]{1,100}/[^/\\s]{1,100}");

    /**
     * A delivery Tally would use whose payload lacks what it reads (the repository, the pull request
     * number, the review's id): refused with 400 and nothing stored, instead of counted under an empty id.
     */
    public static final class InvalidPayload extends Exception {
        public InvalidPayload(String message) {
            super(message, null, false, false);
        }
    }

    /** How a delivery is handled; {@code reason} says why it is ignored. */
    public record Classified(Kind kind, String reason) {
        public boolean used() {
            return kind != Kind.IGNORED;
        }
    }

    private GitHubEvents() {
    }

    public static Classified classify(String event, JsonNode payload, ReviewRules reviews) throws InvalidPayload {
        Classified c = kind(event, payload, reviews);
        switch (c.kind()) {
            case PR_MERGED -> {
                requireRepository(payload);
                requirePositive(payload.path("pull_request").path("number"), "pull_request.number", Integer.MAX_VALUE);
            }
            case REVIEW_FINDING -> {
                requireRepository(payload);
                requirePositive(payload.path("review").path("id"), "review.id", Long.MAX_VALUE);
            }
            case REVIEW_COMMENT_FINDING -> {
                requireRepository(payload);
                requirePositive(payload.path("comment").path("id"), "comment.id", Long.MAX_VALUE);
            }
            case IGNORED -> {
            }
        }
        return c;
    }

    private static void requireRepository(JsonNode payload) throws InvalidPayload {
        JsonNode name = payload.path("repository").path("full_name");
        if (!name.isTextual() || !REPOSITORY.matcher(name.asText()).matches()) {
            throw new InvalidPayload("repository.full_name is missing or not owner/name");
        }
    }

    /** Pull request numbers are ints; review and comment ids have outgrown them. */
    private static void requirePositive(JsonNode n, String field, long max) throws InvalidPayload {
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 1 || n.asLong() > max) {
            throw new InvalidPayload(field + " is missing or not a positive integer");
        }
    }

    private static Classified kind(String event, JsonNode payload, ReviewRules reviews) {
        String action = payload.path("action").asText("");
        switch (event) {
            case PULL_REQUEST -> {
                if ("closed".equals(action) && payload.path("pull_request").path("merged").asBoolean(false)) {
                    return new Classified(Kind.PR_MERGED, null);
                }
                return ignored("pull_request " + action + (action.equals("closed") ? " without merge" : ""));
            }
            case PULL_REQUEST_REVIEW -> {
                if (!"submitted".equals(action)) {
                    return ignored("pull_request_review " + action);
                }
                JsonNode review = payload.path("review");
                Optional<ReviewRules.Finding> f = reviews.finding(review.path("user").path("login").asText(null),
                        review.path("state").asText(""), review.path("body").asText(""));
                return f.isPresent() ? new Classified(Kind.REVIEW_FINDING, null)
                        : ignored("review without an AI finding");
            }
            case PULL_REQUEST_REVIEW_COMMENT -> {
                if (!"created".equals(action)) {
                    return ignored("pull_request_review_comment " + action);
                }
                JsonNode comment = payload.path("comment");
                Optional<ReviewRules.Finding> f = reviews.finding(comment.path("user").path("login").asText(null), null,
                        comment.path("body").asText(""));
                return f.isPresent() ? new Classified(Kind.REVIEW_COMMENT_FINDING, null)
                        : ignored("review comment without an AI finding");
            }
            default -> {
                return ignored("event " + event + " is not used");
            }
        }
    }

    private static Classified ignored(String reason) {
        return new Classified(Kind.IGNORED, reason);
    }
}
