package dev.tally.outcomes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.Topics;
import dev.tally.platform.TallyServices;

/**
 * Reads {@code tally.outcomes.v1} from the real broker in the background (its own consumer group,
 * from the beginning) and indexes every event by its CloudEvents id, with the record's key.
 */
public final class OutcomeTopic {

    /** One event as it was on the topic. */
    public record Seen(String key, JsonNode event) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<String, List<Seen>> BY_ID = new ConcurrentHashMap<>();
    private static Thread reader;

    private OutcomeTopic() {}

    public static synchronized void start() {
        if (reader != null) {
            return;
        }
        reader = new Thread(
                () -> {
                    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            TallyServices.bootstrapServers(),
                            ConsumerConfig.GROUP_ID_CONFIG,
                            "outcome-tests-" + UUID.randomUUID(),
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "earliest",
                            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                            StringDeserializer.class,
                            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                            StringDeserializer.class))) {
                        consumer.subscribe(List.of(Topics.OUTCOMES));
                        while (!Thread.currentThread().isInterrupted()) {
                            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                                try {
                                    JsonNode e = MAPPER.readTree(r.value());
                                    BY_ID.computeIfAbsent(e.path("id").asText(), k -> new CopyOnWriteArrayList<>())
                                            .add(new Seen(r.key(), e));
                                } catch (Exception ignored) {
                                    // other tests may put anything on the topic; only well-formed events are indexed
                                }
                            }
                        }
                    } catch (org.apache.kafka.common.errors.InterruptException stop) {
                        // JVM shutting down
                    }
                },
                "outcome-topic-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Waits until the event with this id is on the topic and returns its first copy. */
    public static Seen await(String id) {
        start();
        Awaitility.await("event " + id + " on " + Topics.OUTCOMES)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> BY_ID.containsKey(id));
        return BY_ID.get(id).get(0);
    }

    /** How many copies of this id were seen so far. */
    public static int count(String id) {
        start();
        return BY_ID.getOrDefault(id, List.of()).size();
    }

    public static List<String> attribution(JsonNode event) {
        List<String> out = new ArrayList<>();
        event.path("data").path("attribution").forEach(a -> out.add(a.asText()));
        return out;
    }
}
