package dev.tally.outcomes.github;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;

/** Records a verified delivery once and says what becomes of it. */
@ApplicationScoped
public class WebhookIntake {

    public enum Result { ACCEPTED, IGNORED, DUPLICATE }

    public record Recorded(Result result, String reason) {
    }

    private final DeliveryStore store;
    private final GitHubOutcomes outcomes;

    public WebhookIntake(DeliveryStore store, GitHubOutcomes outcomes) {
        this.store = store;
        this.outcomes = outcomes;
    }

    @Transactional
    public Recorded record(String deliveryId, String event, JsonNode payload, String rawBody)
            throws GitHubEvents.InvalidPayload {
        GitHubEvents.Classified c = GitHubEvents.classify(event, payload, outcomes.reviews());
        String action = payload.path("action").isTextual() ? payload.path("action").asText() : null;
        // The payload is kept only for deliveries that will be processed (it is dropped once they are).
        boolean inserted = store.insert(deliveryId, event, action,
                c.used() ? DeliveryStore.RECEIVED : DeliveryStore.IGNORED, c.used() ? rawBody : null);
        if (!inserted) {
            return new Recorded(Result.DUPLICATE, "delivery " + deliveryId + " was received before");
        }
        return c.used() ? new Recorded(Result.ACCEPTED, null) : new Recorded(Result.IGNORED, c.reason());
    }
}
