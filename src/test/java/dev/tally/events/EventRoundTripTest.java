package dev.tally.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class EventRoundTripTest {

    @Inject
    EventPublisher publisher;

    @Inject
    ObjectMapper mapper;

    @Test
    void eventSentThroughTheAppsProducerIsConsumedBackFromTheBroker() throws Exception {
        String teamId = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        OutcomeData data = new OutcomeData(
                OutcomeData.TASK_AUTOMATED,
                teamId,
                null,
                true,
                List.of("test"),
                "test",
                "ref-1",
                Instant.parse("2026-11-01T10:00:00Z"),
                null,
                null);
        publisher.publish(
                Topics.OUTCOMES, CloudEvent.of(eventId, "/test", CloudEvent.OUTCOME_TYPE, teamId, Instant.now(), data));

        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TallyServices.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "roundtrip-" + eventId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            consumer.subscribe(List.of(Topics.OUTCOMES));
            List<ConsumerRecord<String, String>> mine = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (teamId.equals(r.key())) {
                        mine.add(r);
                    }
                });
                return !mine.isEmpty();
            });
            assertThat(mine).hasSize(1);
            JsonNode json = mapper.readTree(mine.get(0).value());
            assertThat(json.get("specversion").asText()).isEqualTo("1.0");
            assertThat(json.get("id").asText()).isEqualTo(eventId);
            assertThat(json.get("type").asText()).isEqualTo("dev.tally.outcome.v1");
            assertThat(json.get("subject").asText()).isEqualTo(teamId);
            assertThat(json.at("/data/kind").asText()).isEqualTo("task_automated");
            assertThat(json.at("/data/aiAssisted").asBoolean()).isTrue();
        }
    }
}
