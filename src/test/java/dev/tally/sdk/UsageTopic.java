package dev.tally.sdk;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.Topics;
import dev.tally.gateway.UsageEvents;

/** Reads {@code tally.usage.v1} back from the real broker: every record produced since it was made, by event id, with its Kafka key. */
final class UsageTopic implements AutoCloseable {

    /** One record as it was on the topic. */
    record Record(String kafkaKey, JsonNode event) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, List<Record>> byId = new ConcurrentHashMap<>();

    UsageTopic() {
        consumer = UsageEvents.fromNow(Topics.USAGE, "sdk-compat-test-");
    }

    /** Polls until every one of these event ids has arrived at least once. */
    synchronized void awaitAll(Collection<String> ids) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            poll();
            return byId.keySet().containsAll(ids);
        });
    }

    /** Every record with this event id seen so far (more than one would be a duplicate). */
    synchronized List<Record> records(String id) {
        return byId.getOrDefault(id, List.of());
    }

    /** The event ids of every record whose subject is this team. */
    synchronized List<String> idsForTeam(String teamId) {
        poll();
        return byId.entrySet().stream()
                .filter(e -> e.getValue().stream()
                        .anyMatch(r -> teamId.equals(r.event().path("subject").asText())))
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The events of one run ({@code data.runId}) seen so far. */
    synchronized List<JsonNode> forRun(String runId) {
        poll();
        return events(e -> runId.equals(e.path("data").path("runId").asText()));
    }

    /** The events of one gateway key ({@code data.keyId}) seen so far. */
    synchronized List<JsonNode> forKey(String keyId) {
        poll();
        return events(e -> keyId.equals(e.path("data").path("keyId").asText()));
    }

    /**
     * Every event of the key's calls up to a fence, without the fence's own: {@code fence} makes one
     * more call with the same key once the client under test has exited and returns its
     * {@code x-request-id}; its event, on the same partition (the team's), comes after all of the
     * client's, so once it has arrived they all have.
     */
    List<JsonNode> forKeyBefore(String keyId, Supplier<String> fence) {
        String fenceId = fence.get();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> forKey(keyId).stream()
                        .anyMatch(e -> fenceId.equals(e.path("id").asText())));
        return forKey(keyId).stream()
                .filter(e -> !fenceId.equals(e.path("id").asText()))
                .toList();
    }

    private List<JsonNode> events(Predicate<JsonNode> which) {
        return byId.values().stream()
                .flatMap(List::stream)
                .map(Record::event)
                .filter(which)
                .toList();
    }

    private void poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
            try {
                JsonNode n = JSON.readTree(r.value());
                byId.computeIfAbsent(n.path("id").asText(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(new Record(r.key(), n));
            } catch (Exception e) {
                // another test's deliberately malformed record is not this test's business
            }
        });
    }

    @Override
    public synchronized void close() {
        consumer.close();
    }
}
