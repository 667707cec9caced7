package dev.tally.events;

/**
 * Told where Kafka stored an event: the partition and offset of its acknowledged send, direct or
 * replayed from the spool. Budgets use it to know exactly when the aggregator has counted a call
 * (its committed offset for the partition has passed the event's). Called on the publisher's
 * threads: it must be quick and must not throw.
 */
@FunctionalInterface
public interface DeliveryListener {

    void delivered(String topic, String id, int partition, long offset);
}
