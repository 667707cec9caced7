package dev.tally.events;

/**
 * Fired once, from {@link KafkaStartup}'s thread, when Kafka has answered and {@code kafka/topics.conf}
 * is applied: what needs the topics (the aggregator's consumers, the publisher's direct sends)
 * starts from here rather than at application start.
 */
public record KafkaReady(String bootstrapServers) {}
