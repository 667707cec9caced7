package dev.tally.events;

/**
 * Sends events to Kafka without ever making the caller wait on Kafka. Implementations must not
 * block and must not throw: an event handed over here is delivered or kept durably until it can be.
 */
public interface EventPublisher {

    /** Sends {@code event} to {@code topic} keyed by {@code event.subject()} (the team id). */
    void publish(String topic, CloudEvent<?> event);

    /**
     * Adds a listener told the partition and offset of every event Kafka acknowledges from now on;
     * a publisher that cannot say ignores it (its events then look undelivered to the listener).
     */
    default void onDelivered(DeliveryListener listener) {}
}
