package dev.tally.outcomes.github;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tally.outcomes.review.ReviewFindingStore;

/** Records a verified delivery once and says what becomes of it. */
@ApplicationScoped
public class WebhookIntake {

    public enum Result { ACCEPTED, IGNORED, DUPLICATE }

    public record Recorded(Result result, String reason) {
    }

    private final DeliveryStore store;
    private final GitHubOutcomes outcomes;
    private final ReviewFindingStore findings;
    private final GitHubClient github;

    public WebhookIntake(DeliveryStore store, GitHubOutcomes outcomes, ReviewFindingStore findings, GitHubClient github) {
        this.store = store;
        this.outcomes = outcomes;
        this.findings = findings;
        this.github = github;
    }

    @Transactional
    public Recorded record(String deliveryId, String event, JsonNode payload, String rawBody) {
        GitHubEvents.Classified c = pushWorthComparing(GitHubEvents.classify(event, payload, outcomes.reviews()), payload);
        String action = payload.path("action").isTextual() ? payload.path("action").asText() : null;
        // The payload is kept only for deliveries that will be processed (it is dropped once they are).
        boolean inserted = store.insert(deliveryId, event, action,
                c.used() ? DeliveryStore.RECEIVED : DeliveryStore.IGNORED, c.used() ? rawBody : null);
        if (!inserted) {
            return new Recorded(Result.DUPLICATE, "delivery " + deliveryId + " was received before");
        }
        return c.used() ? new Recorded(Result.ACCEPTED, null) : new Recorded(Result.IGNORED, c.reason());
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
            return new GitHubEvents.Classified(GitHubEvents.Kind.IGNORED, "push to a pull request with no open AI findings");
        }
        if (!github.configured()) {
            return new GitHubEvents.Classified(GitHubEvents.Kind.IGNORED, "push to a pull request with open AI findings, but"
                    + " which lines it changed can only be read with TALLY_GITHUB_TOKEN (compare API)");
        }
        return c;
    }
}
