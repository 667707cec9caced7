package dev.tally.events;

/**
 * Sends events to Kafka without ever making the caller wait on Kafka. Implementations must not
 * block and must not throw: an event handed over here is delivered or kept durably until it can be.
 */
public interface EventPublisher {

    /** Sends {@code event} to {@code topic} keyed by {@code event.subject()} (the team id). */
    void publish(String topic, CloudEvent<?> event);
}
