package dev.tally.outcomes;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tally.events.CloudEvent;
import dev.tally.events.EventPublisher;
import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;

/**
 * Hands outcomes to Kafka as {@code dev.tally.outcome.v1} CloudEvents. The id is the outcome's natural
 * id, so sending the same outcome again (a retried delivery, a re-uploaded scan) is deduplicated by
 * the aggregator instead of counted twice.
 */
@ApplicationScoped
public class OutcomeEmitter {

    public static final String SOURCE_GITHUB = "github";
    public static final String SOURCE_SARIF = "sarif";
    public static final String SOURCE_CSV = "csv";

    private final EventPublisher publisher;

    public OutcomeEmitter(EventPublisher publisher) {
        this.publisher = publisher;
    }

    public void emit(String id, OutcomeData data) {
        publisher.publish(
                Topics.OUTCOMES,
                CloudEvent.of(
                        id,
                        "/tally/outcomes/" + data.source(),
                        CloudEvent.OUTCOME_TYPE,
                        data.teamId(),
                        Instant.now(),
                        data));
    }
}
