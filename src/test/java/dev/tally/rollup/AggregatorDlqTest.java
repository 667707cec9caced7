package dev.tally.rollup;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class AggregatorDlqTest {

    /** Metrics are on the management interface, not the public port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    @Inject
    PipelineStatus status;

    RollupFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new RollupFixtures(dataSource);
        aggregator.start();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    record Bad(String topic, byte[] value, String reasonContains) {}

    @Test
    void garbageGoesToTheDlqWithItsReasonAndLaterGoodEventsAreStillAggregated() throws Exception {
        UUID team = UUID.randomUUID();
        String key = team.toString();
        String employee = UUID.randomUUID().toString();
        String good = RollupFixtures.JSON.writeValueAsString(RollupFixtures.usageEvent(
                "x",
                Instant.now(),
                RollupFixtures.usage(team, UUID.fromString(employee), "gpt-4o", 1, 1, 0, 0, 1L, UsageData.OUTCOME_OK)));
        List<Bad> bad = List.of(
                new Bad(Topics.USAGE, "this is not JSON {".getBytes(StandardCharsets.UTF_8), "not JSON"),
                new Bad(Topics.USAGE, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x01}, "not JSON"),
                new Bad(
                        Topics.USAGE,
                        good.replace("\"inputTokens\":1", "\"inputTokens\":\"many\"")
                                .replace("\"id\":\"x\"", "\"id\":\"" + UUID.randomUUID() + "\"")
                                .getBytes(StandardCharsets.UTF_8),
                        "inputTokens"),
                new Bad(
                        Topics.USAGE,
                        good.replace("\"inputTokens\":1", "\"inputTokens\":-5")
                                .replace("\"id\":\"x\"", "\"id\":\"" + UUID.randomUUID() + "\"")
                                .getBytes(StandardCharsets.UTF_8),
                        "data.inputTokens: negative"),
                new Bad(
                        Topics.USAGE,
                        good.replace("\"teamId\":\"" + key + "\",", "")
                                .replace("\"id\":\"x\"", "\"id\":\"" + UUID.randomUUID() + "\"")
                                .getBytes(StandardCharsets.UTF_8),
                        "data.teamId: missing"),
                new Bad(
                        Topics.USAGE,
                        "{\"specversion\":\"1.0\",\"id\":\"a\",\"type\":\"dev.tally.outcome.v1\"}"
                                .getBytes(StandardCharsets.UTF_8),
                        "type: expected \"dev.tally.usage.v1\""),
                new Bad(
                        Topics.OUTCOMES,
                        RollupFixtures.JSON.writeValueAsBytes(RollupFixtures.outcomeEvent(
                                "o-" + UUID.randomUUID(), team, "pr_merge", true, Instant.now())),
                        "data.kind: unknown kind"));

        List<RecordMetadata> where = new ArrayList<>();
        for (Bad b : bad) {
            where.add(fx.sendSync(b.topic(), key, b.value()));
        }
        // good events after the garbage, on the same partitions
        fx.send(
                Topics.USAGE,
                RollupFixtures.usageEvent(
                        UUID.randomUUID().toString(),
                        Instant.now(),
                        RollupFixtures.usage(
                                team, UUID.fromString(employee), "gpt-4o", 7, 3, 0, 0, 70L, UsageData.OUTCOME_OK)));
        fx.send(
                Topics.OUTCOMES,
                RollupFixtures.outcomeEvent(
                        "o-" + UUID.randomUUID(), team, OutcomeData.PR_MERGED, true, Instant.now()));
        fx.flush();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fx.requests(team) == 1 && fx.outcomes(team) == 1);
        assertThat(fx.usageTotals(team).get("input_tokens")).isEqualTo(7);

        for (int i = 0; i < bad.size(); i++) {
            assertThat(fx.dlqEntries(where.get(i), bad.get(i).reasonContains()))
                    .as("dlq_entry for %s", bad.get(i).reasonContains())
                    .isEqualTo(1);
        }

        List<JsonNode> letters = new ArrayList<>();
        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TallyServices.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "dlq-test-" + team,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            dlq.subscribe(List.of(Topics.DLQ));
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var r : dlq.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        letters.add(RollupFixtures.JSON.readTree(r.value()));
                    }
                }
                return letters.size() >= bad.size();
            });
        }
        assertThat(letters).hasSize(bad.size());
        JsonNode first = letters.stream()
                .filter(l -> l.at("/data/offset").asLong() == where.get(0).offset()
                        && l.at("/data/topic").asText().equals(Topics.USAGE))
                .findFirst()
                .orElseThrow();
        assertThat(first.get("type").asText()).isEqualTo(DeadLetterQueue.TYPE);
        assertThat(first.at("/data/reason").asText()).startsWith("not JSON");
        assertThat(first.at("/data/value").asText()).isEqualTo("this is not JSON {");
        JsonNode binary = letters.stream()
                .filter(l -> l.at("/data/offset").asLong() == where.get(1).offset()
                        && l.at("/data/topic").asText().equals(Topics.USAGE))
                .findFirst()
                .orElseThrow();
        assertThat(Base64.getDecoder().decode(binary.at("/data/valueBase64").asText()))
                .isEqualTo(bad.get(1).value());

        // counted in metrics and on the operations snapshot
        String metrics =
                given().get(metricsUrl).then().statusCode(200).extract().asString();
        assertThat(metrics).contains("tally_aggregator_dlq_total");
        PipelineSnapshot s = status.refresh();
        assertThat(s.dlqTotal()).isGreaterThanOrEqualTo(bad.size());
        assertThat(s.kafkaReachable()).isTrue();
        assertThat(s.partitions())
                .extracting(PipelineSnapshot.PartitionLag::topic)
                .contains(Topics.USAGE, Topics.OUTCOMES);
        assertThat(s.lastBatchAt()).isNotNull();
    }

    /** One usage event for {@code team}, on its partition, acknowledged before this returns. */
    private RecordMetadata sendUsage(UUID team, UsageData data) throws Exception {
        return fx.sendSync(
                Topics.USAGE,
                team.toString(),
                RollupFixtures.JSON.writeValueAsBytes(
                        RollupFixtures.usageEvent(UUID.randomUUID().toString(), Instant.now(), data)));
    }

    /**
     * A call on a stored response or a conversation names no model, costs nothing and counts no
     * tokens: its event is read and counted nowhere (it is no model call), never sent to the DLQ.
     */
    @Test
    void aFreeCallThatNamesNoModelIsNoCorruptEventAndCountsNowhere() throws Exception {
        UUID team = UUID.randomUUID();
        UUID employee = UUID.randomUUID();
        RecordMetadata free =
                sendUsage(team, RollupFixtures.usage(team, employee, null, 0, 0, 0, 0, 0L, UsageData.OUTCOME_OK));
        RecordMetadata billed =
                sendUsage(team, RollupFixtures.usage(team, employee, null, 5, 1, 0, 0, 9L, UsageData.OUTCOME_OK));
        fx.send(
                Topics.USAGE,
                RollupFixtures.usageEvent(
                        UUID.randomUUID().toString(),
                        Instant.now(),
                        RollupFixtures.usage(team, employee, "gpt-4o", 7, 3, 0, 0, 70L, UsageData.OUTCOME_OK)));
        fx.flush();

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fx.requests(team) == 1);
        assertThat(fx.usageTotals(team).get("input_tokens")).isEqualTo(7);
        // a call with tokens or a cost and no model is still a corrupt event
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> fx.dlqEntries(billed, "data.model: missing") == 1);
        assertThat(fx.dlqEntries(free, "")).isZero();
    }

    @Test
    void aRecordTheDecoderFailsOnGoesToTheDlqAndThePartitionMovesOn() throws Exception {
        UUID team = UUID.randomUUID();
        UUID employee = UUID.randomUUID();
        String poison = "poison-" + UUID.randomUUID();
        // a decoder with a bug: it throws on one record instead of accepting or refusing it
        EventDecoder failing = new EventDecoder() {
            @Override
            public UsageEvent usage(byte[] value, Instant fallbackTime) throws InvalidEventException {
                if (new String(value, StandardCharsets.UTF_8).contains(poison)) {
                    throw new IllegalStateException("decoder bug under test");
                }
                return super.usage(value, fallbackTime);
            }
        };
        aggregator.stop(); // this consumer alone reads every partition
        try (RollupConsumer consumer = aggregator.newConsumer(failing).start()) {
            RecordMetadata at = sendUsage(
                    team, RollupFixtures.usage(team, employee, poison, 5, 5, 0, 0, 50L, UsageData.OUTCOME_OK));
            // the next record on the same partition
            fx.send(
                    Topics.USAGE,
                    RollupFixtures.usageEvent(
                            UUID.randomUUID().toString(),
                            Instant.now(),
                            RollupFixtures.usage(team, employee, "gpt-4o", 7, 3, 0, 0, 70L, UsageData.OUTCOME_OK)));
            fx.flush();

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fx.requests(team) == 1);
            assertThat(fx.usageTotals(team).get("input_tokens")).isEqualTo(7);
            assertThat(fx.scalar(
                            "SELECT count(*) FROM dlq_entry WHERE topic = ? AND partition = ? AND kafka_offset = ?"
                                    + " AND reason = ?",
                            at.topic(),
                            at.partition(),
                            at.offset(),
                            "the decoder failed: java.lang.IllegalStateException: decoder bug under test"))
                    .isEqualTo(1);
        } finally {
            aggregator.start();
        }
    }
}
