package dev.tally.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.Topics;
import dev.tally.platform.TallyServices;

/** Reads usage events back from the real broker, by event id (= the x-request-id the gateway returned). */
public final class UsageEvents implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, JsonNode> byId = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    /** Every event seen, in arrival order. */
    private final List<JsonNode> all = new CopyOnWriteArrayList<>();

    /**
     * Reads the usage events of the shared broker produced from now on. A consumer that started at
     * the topic's beginning parsed every event of the suite so far (thousands, once the load and
     * demo tests have run): 15 s before a late class's first event.
     */
    public UsageEvents() {
        this(Topics.USAGE);
    }

    /** Reads another topic's events of the shared broker (the alerts topic) from now on. */
    public UsageEvents(String topic) {
        consumer = fromNow(topic, "gateway-test-");
    }

    /**
     * A consumer of the shared broker's topic that reads what is produced from now on: it is
     * assigned every partition and placed at their ends before this returns (a subscription would
     * find its place only at its first poll, after the test's calls).
     */
    public static KafkaConsumer<String, String> fromNow(String topic, String groupPrefix) {
        KafkaConsumer<String, String> c = consumer(TallyServices.bootstrapServers(), groupPrefix);
        List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        if (partitions.isEmpty()) {
            c.close();
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        c.assign(partitions);
        c.seekToEnd(partitions);
        partitions.forEach(c::position);
        return c;
    }

    /** Reads a topic of another broker from its beginning (a stopped instance's own, started again by the test). */
    public UsageEvents(String bootstrapServers, String topic) {
        consumer = consumer(bootstrapServers, "gateway-test-");
        consumer.subscribe(List.of(topic));
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers, String groupPrefix) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                groupPrefix + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
    }

    /** The event with this id, waiting for it to arrive. */
    public JsonNode await(String id) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            poll();
            return byId.containsKey(id);
        });
        return byId.get(id);
    }

    /** How many events with this id arrived so far (exactly-once checks). */
    public int count(String id) {
        poll();
        return counts.getOrDefault(id, 0);
    }

    /** The events of one gateway key so far, in the order they arrived. */
    public List<JsonNode> forKey(String keyId) {
        poll();
        return all.stream()
                .filter(e -> keyId.equals(e.path("data").path("keyId").asText()))
                .toList();
    }

    /** Waits until the key has at least {@code n} events, and returns them. */
    public List<JsonNode> awaitForKey(String keyId, int n) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> forKey(keyId).size() >= n);
        return forKey(keyId);
    }

    public String kafkaKey(String id) {
        return keys.get(id);
    }

    /** Every event seen so far, in arrival order. */
    public List<JsonNode> all() {
        poll();
        return List.copyOf(all);
    }

    private void poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
            try {
                JsonNode n = JSON.readTree(r.value());
                String id = n.path("id").asText();
                byId.put(id, n);
                all.add(n);
                keys.put(id, r.key());
                counts.merge(id, 1, Integer::sum);
            } catch (Exception e) {
                // another producer's malformed record is not this test's business
            }
        });
    }

    @Override
    public void close() {
        consumer.close();
    }
}
