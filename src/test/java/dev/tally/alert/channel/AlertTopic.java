package dev.tally.alert.channel;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tally.events.CloudEvent;
import dev.tally.events.Topics;
import dev.tally.platform.TallyServices;

/**
 * Produces {@code dev.tally.alert.v1} CloudEvents into the real broker, shaped as the budgets feature
 * publishes them (the DESIGN.md alert fields plus channelIds, scopeName and link).
 */
final class AlertTopic implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            TallyServices.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            StringSerializer.class,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ByteArraySerializer.class));

    /** A threshold alert of a team budget: $400 of $500 spent, 80 %, projected $620, in December 2026. */
    static ObjectNode threshold(String id, UUID team, String teamName, List<UUID> channels) {
        ObjectNode e = JSON.createObjectNode();
        e.put("specversion", "1.0")
                .put("id", id)
                .put("source", "/tally/budgets")
                .put("type", CloudEvent.ALERT_TYPE)
                .put("subject", team.toString())
                .put("time", "2026-12-20T10:15:00Z")
                .put("datacontenttype", "application/json");
        ObjectNode d = e.putObject("data");
        d.put("kind", "threshold")
                .put("scope", "team")
                .put("scopeId", team.toString())
                .put("scopeName", teamName)
                .put("budgetId", UUID.randomUUID().toString())
                .put("periodStart", "2026-12-01T00:00:00Z")
                .put("periodEnd", "2027-01-01T00:00:00Z")
                .put("threshold", 80)
                .put("spentNanos", 400_000_000_000L)
                .put("limitNanos", 500_000_000_000L)
                .put("projectedNanos", 620_000_000_000L)
                .put("projectedExhaustedAt", "2026-12-26T18:00:00Z")
                .putNull("keyId")
                .put("at", "2026-12-20T10:15:00Z")
                .put("link", "/teams/" + team);
        ArrayNode ids = d.putArray("channelIds");
        channels.forEach(c -> ids.add(c.toString()));
        return e;
    }

    /** Sends the event's exact bytes (keyed by its subject) and waits for the broker's ack; returns the bytes. */
    String send(ObjectNode event) {
        String body = event.toString();
        try {
            producer.send(new ProducerRecord<>(
                            Topics.ALERTS, event.path("subject").asText(), body.getBytes(StandardCharsets.UTF_8)))
                    .get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return body;
    }

    /** Sends these bytes as they are (keyed, so they share a partition with that key's alerts). */
    void sendRaw(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(Topics.ALERTS, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
