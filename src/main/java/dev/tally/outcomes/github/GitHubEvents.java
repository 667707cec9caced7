package dev.tally.outcomes.github;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tally.outcomes.review.ReviewRules;

/**
 * Which webhook deliveries Tally uses, and why the others are ignored: a merged pull request; an
 * inline review comment in which an AI reviewer raises a finding (flagged); the resolution of such a
 * comment's thread, or the reviewer's own note that a commit addressed it (fixed); and a push to a
 * pull request, whose commits may change the lines a finding is about (checked against open findings
 * by {@link WebhookIntake}). A delivery that lacks what its outcome's id is made of (a repository,
 * a pull request number, a comment id) is ignored with that reason, never counted.
 */
public final class GitHubEvents {

    public static final String PING = "ping";
    public static final String PULL_REQUEST = "pull_request";
    public static final String PULL_REQUEST_REVIEW = "pull_request_review";
    public static final String PULL_REQUEST_REVIEW_COMMENT = "pull_request_review_comment";
    public static final String PULL_REQUEST_REVIEW_THREAD = "pull_request_review_thread";

    /** REVIEW_RECORDED: a submitted or dismissed review, kept for its PR's delivery facts when it arrives; no outcome. */
    public enum Kind {
        PR_MERGED,
        REVIEW_FINDING,
        THREAD_RESOLVED,
        REVIEWER_CONFIRMED_FIX,
        PR_PUSHED,
        REVIEW_RECORDED,
        IGNORED
    }

    /** How a delivery is handled; {@code reason} says why it is ignored. */
    public record Classified(Kind kind, String reason) {
        public boolean used() {
            return kind != Kind.IGNORED;
        }
    }

    private GitHubEvents() {}

    public static Classified classify(String event, JsonNode payload, ReviewRules reviews) {
        String action = payload.path("action").asText("");
        switch (event) {
            case PULL_REQUEST -> {
                if ("closed".equals(action)
                        && payload.path("pull_request").path("merged").asBoolean(false)) {
                    String missing = missingPrIdentity(payload);
                    return missing == null
                            ? new Classified(Kind.PR_MERGED, null)
                            : ignored("merged pull request without " + missing
                                    + ": it has no identity and is not counted");
                }
                if ("synchronize".equals(action)) {
                    String missing = missingPrIdentity(payload);
                    if (missing == null && !payload.path("after").isTextual()) {
                        missing = "after (the new head commit)";
                    }
                    return missing == null
                            ? new Classified(Kind.PR_PUSHED, null)
                            : ignored("pull_request synchronize without " + missing);
                }
                return ignored("pull_request " + action + (action.equals("closed") ? " without merge" : ""));
            }
            case PULL_REQUEST_REVIEW -> {
                String missing = missingReviewIdentity(payload);
                if (("submitted".equals(action) || "dismissed".equals(action)) && missing == null) {
                    return new Classified(Kind.REVIEW_RECORDED, null);
                }
                return ignored(
                        "pull_request_review " + action + (missing == null ? "" : " without " + missing)
                                + ": a review's summary is not counted (each of its inline comments is, and an approval never is)");
            }
            case PULL_REQUEST_REVIEW_COMMENT -> {
                JsonNode comment = payload.path("comment");
                if (!"created".equals(action) && !"edited".equals(action)) {
                    return ignored("pull_request_review_comment " + action);
                }
                String login = comment.path("user").path("login").asText(null);
                if (reviews.reviewer(login).isEmpty()) {
                    return ignored("review comment by " + login + ", who is not a configured AI reviewer");
                }
                if (comment.hasNonNull("in_reply_to_id")) {
                    return ignored("a reply in a review thread is not a new finding");
                }
                String missing = missingCommentIdentity(payload, comment);
                if (missing != null) {
                    return ignored("review comment without " + missing + ": it has no identity and is not counted");
                }
                String body = comment.path("body").asText("");
                if (reviews.finding(login, body).isEmpty()) {
                    return ignored("review comment by " + login + " raises no finding under its reviewer's rules");
                }
                if ("created".equals(action)) {
                    return new Classified(Kind.REVIEW_FINDING, null);
                }
                return reviews.confirmsFixed(login, body).isPresent()
                        ? new Classified(Kind.REVIEWER_CONFIRMED_FIX, null)
                        : ignored("review comment edited without the reviewer's note that it was addressed");
            }
            case PULL_REQUEST_REVIEW_THREAD -> {
                if (!"resolved".equals(action)) {
                    return ignored("pull_request_review_thread " + action
                            + (action.equals("unresolved") ? ": a finding once fixed stays counted as fixed" : ""));
                }
                JsonNode first = payload.path("thread").path("comments").path(0);
                String login = first.path("user").path("login").asText(null);
                String missing = missingCommentIdentity(payload, first);
                if (missing != null) {
                    return ignored("resolved thread without " + missing);
                }
                if (reviews.finding(login, first.path("body").asText("")).isEmpty()) {
                    return ignored("resolved thread that does not start with an AI reviewer's finding");
                }
                return new Classified(Kind.THREAD_RESOLVED, null);
            }
            default -> {
                return ignored("event " + event + " is not used");
            }
        }
    }

    /** What a pull request outcome's id needs and the payload lacks, or null: repository.full_name and a number. */
    static String missingPrIdentity(JsonNode payload) {
        if (!payload.path("repository").path("full_name").isTextual()
                || payload.path("repository").path("full_name").asText().isBlank()) {
            return "repository.full_name";
        }
        return prNumber(payload) > 0 ? null : "pull_request.number";
    }

    /** What a review needs to be kept for its PR's facts, or null: the PR's identity, a review id, state and time. */
    private static String missingReviewIdentity(JsonNode payload) {
        JsonNode review = payload.path("review");
        if (!review.path("id").canConvertToLong() || review.path("id").asLong() <= 0) {
            return "review.id";
        }
        if (PrReview.State.of(review.path("state").asText(null)).isEmpty()) {
            return "a submitted review.state";
        }
        if (ReviewFindings.time(review.path("submitted_at"), null) == null) {
            return "review.submitted_at";
        }
        return missingPrIdentity(payload);
    }

    private static String missingCommentIdentity(JsonNode payload, JsonNode comment) {
        if (!comment.path("id").canConvertToLong() || comment.path("id").asLong() <= 0) {
            return "comment.id";
        }
        return missingPrIdentity(payload);
    }

    /** The pull request's number from {@code pull_request.number}, else the top-level {@code number}; 0 if neither. */
    static int prNumber(JsonNode payload) {
        JsonNode n = payload.path("pull_request").path("number");
        if (!n.canConvertToInt()) {
            n = payload.path("number");
        }
        return n.canConvertToInt() ? n.asInt() : 0;
    }

    private static Classified ignored(String reason) {
        return new Classified(Kind.IGNORED, reason);
    }
}
