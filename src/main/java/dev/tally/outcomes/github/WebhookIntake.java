package dev.tally.outcomes.github;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tally.outcomes.review.ReviewFindingStore;

/** Records a verified delivery once and says what becomes of it. */
@ApplicationScoped
public class WebhookIntake {

    /** RECORDED: kept for a pull request's delivery facts (a review), with nothing to process. */
    public enum Result {
        ACCEPTED,
        RECORDED,
        IGNORED,
        DUPLICATE
    }

    public record Recorded(Result result, String reason) {}

    private final DeliveryStore store;
    private final GitHubOutcomes outcomes;
    private final ReviewFindingStore findings;
    private final GitHubClient github;
    private final PrReviewStore prReviews;
    private final Clock clock;

    public WebhookIntake(
            DeliveryStore store,
            GitHubOutcomes outcomes,
            ReviewFindingStore findings,
            GitHubClient github,
            PrReviewStore prReviews,
            Clock clock) {
        this.store = store;
        this.clock = clock;
        this.prReviews = prReviews;
        this.outcomes = outcomes;
        this.findings = findings;
        this.github = github;
    }

    @Transactional
    public Recorded record(String deliveryId, String event, JsonNode payload, String rawBody) {
        GitHubEvents.Classified classified = GitHubEvents.classify(event, payload, outcomes.reviews());
        if (classified.kind() == GitHubEvents.Kind.PR_PUSHED && github.configured()) {
            rememberPush(payload);
        }
        GitHubEvents.Classified c = pushWorthComparing(classified, payload);
        String action =
                payload.path("action").isTextual() ? payload.path("action").asText() : null;
        if (c.kind() == GitHubEvents.Kind.REVIEW_RECORDED) {
            if (!store.insert(deliveryId, event, action, DeliveryStore.RECORDED, null)) {
                return new Recorded(Result.DUPLICATE, "delivery " + deliveryId + " was received before");
            }
            recordReview(payload, action);
            return new Recorded(
                    Result.RECORDED,
                    "review kept for its pull request's delivery facts (first review,"
                            + " review rounds); a review is not itself an outcome");
        }
        // The payload is kept only for deliveries that will be processed (it is dropped once they are).
        boolean inserted = store.insert(
                deliveryId,
                event,
                action,
                c.used() ? DeliveryStore.RECEIVED : DeliveryStore.IGNORED,
                c.used() ? rawBody : null);
        if (!inserted) {
            return new Recorded(Result.DUPLICATE, "delivery " + deliveryId + " was received before");
        }
        return c.used() ? new Recorded(Result.ACCEPTED, null) : new Recorded(Result.IGNORED, c.reason());
    }

    /** In the delivery's transaction, before the answer: the merge that follows must find it (see {@link PrReviewStore}). */
    private void recordReview(JsonNode payload, String action) {
        JsonNode r = payload.path("review");
        PrReview review = new PrReview(
                r.path("id").asLong(),
                r.path("user").path("login").asText(null),
                PrReview.State.of(r.path("state").asText()).orElseThrow(),
                ReviewFindings.time(r.path("submitted_at"), null));
        String repo = payload.path("repository").path("full_name").asText();
        int number = GitHubEvents.prNumber(payload);
        if ("dismissed".equals(action)) {
            prReviews.dismissed(repo, number, review, clock.instant());
        } else {
            prReviews.submitted(repo, number, review);
        }
    }

    /**
     * Before the answer, whatever becomes of the delivery: a review comment that this push fixes may not
     * be recorded yet (GitHub does not promise the order of deliveries, and they are processed on worker
     * threads); when it is, it is compared with this push (see {@link ReviewFindings#flagged}).
     */
    private void rememberPush(JsonNode payload) {
        findings.pushed(
                payload.path("repository").path("full_name").asText(),
                GitHubEvents.prNumber(payload),
                payload.path("after").asText(),
                ReviewFindings.time(payload.path("pull_request").path("updated_at"), clock.instant()));
    }

    /**
     * A push is kept only when the pull request has open AI findings to compare it with, and only
     * with a token: the payload names the new commits, but what they changed needs the compare API.
     */
    private GitHubEvents.Classified pushWorthComparing(GitHubEvents.Classified c, JsonNode payload) {
        if (c.kind() != GitHubEvents.Kind.PR_PUSHED) {
            return c;
        }
        if (!findings.hasOpen(payload.path("repository").path("full_name").asText(), GitHubEvents.prNumber(payload))) {
            return new GitHubEvents.Classified(
                    GitHubEvents.Kind.IGNORED, "push to a pull request with no open AI findings");
        }
        if (!github.configured()) {
            return new GitHubEvents.Classified(
                    GitHubEvents.Kind.IGNORED,
                    "push to a pull request with open AI findings, but"
                            + " which lines it changed can only be read with TALLY_GITHUB_TOKEN (compare API)");
        }
        return c;
    }
}
