package dev.tally.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.platform.EmbeddedKafka;
import dev.tally.platform.Ports;

/**
 * Kafka goes away and comes back: a broker of this test's own (so that stopping it disturbs no
 * other test), a publisher built directly against it, the events read back from the real broker.
 */
class SpoolingPublisherOutageTest {

    static final String TOPIC = "spool.outage.test";
    static final List<String> TEAMS = List.of("team-a", "team-b", "team-c", "team-d");

    @TempDir
    Path dir;

    final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
    EmbeddedKafka kafka;
    int port;
    int controllerPort;
    final List<SpoolingEventPublisher> publishers = new ArrayList<>();
    /** team → event ids in the order they were published. */
    final Map<String, List<String>> published = new LinkedHashMap<>();

    @BeforeEach
    void startBroker() throws Exception {
        port = Ports.freePort();
        controllerPort = Ports.freePort();
        kafka = new EmbeddedKafka(dir.resolve("kafka"), port, controllerPort).start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        publishers.forEach(SpoolingEventPublisher::close);
        if (kafka != null) {
            kafka.close();
        }
    }

    SpoolingEventPublisher publisher() {
        var options = new SpoolingEventPublisher.Options(
                10_000, 64L << 20, 16 * 1024, Duration.ofSeconds(2), Duration.ofMillis(200), 50, Duration.ofSeconds(2));
        var p = new SpoolingEventPublisher(
                        Map.of("bootstrap.servers", "127.0.0.1:" + port), dir.resolve("spool"), options, mapper)
                .start();
        publishers.add(p);
        return p;
    }

    void publish(SpoolingEventPublisher p, int n) {
        for (int i = 0; i < n; i++) {
            String team = TEAMS.get(i % TEAMS.size());
            String id = UUID.randomUUID().toString();
            published.computeIfAbsent(team, t -> new ArrayList<>()).add(id);
            p.publish(
                    TOPIC,
                    CloudEvent.of(
                            id,
                            "/test",
                            CloudEvent.USAGE_TYPE,
                            team,
                            Instant.now(),
                            Map.of("n", i, "padding", "x".repeat(200))));
        }
    }

    int publishedCount() {
        return published.values().stream().mapToInt(List::size).sum();
    }

    void restartBroker() {
        kafka = new EmbeddedKafka(dir.resolve("kafka"), port, controllerPort).start();
    }

    void stopBroker() {
        kafka.close();
        kafka = null;
    }

    @Test
    void everyEventPublishedDuringAnOutageIsDeliveredOnceAndInOrderWhenKafkaIsBack() throws Exception {
        SpoolingEventPublisher p = publisher();
        publish(p, 20);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> p.delivered() == 20);
        assertThat(p.mode()).isEqualTo(SpoolingEventPublisher.Mode.DIRECT);
        assertThat(p.spooled()).isZero();

        stopBroker();
        publish(p, 300);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> p.spoolRecords() == 300);
        assertThat(p.mode()).isEqualTo(SpoolingEventPublisher.Mode.SPOOLING);
        assertThat(segmentFiles())
                .as("16 KiB segments: the outage fills several")
                .hasSizeGreaterThan(2);
        // still taking events while Kafka is away: these queue behind the spooled ones
        publish(p, 20);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> p.spoolRecords() == 320);

        restartBroker();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> p.mode() == SpoolingEventPublisher.Mode.DIRECT && p.spoolRecords() == 0);
        assertThat(p.replayed()).isEqualTo(320);
        publish(p, 20);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> p.delivered() == 360);

        assertDeliveredExactlyOnceInOrder();
        assertThat(p.dropped()).isZero();
        assertThat(segmentFiles()).as("acknowledged segments are deleted").hasSizeLessThanOrEqualTo(1);
    }

    @Test
    void aSpoolLeftByAStoppedPublisherIsReplayedByTheNextOne() throws Exception {
        SpoolingEventPublisher first = publisher();
        stopBroker();
        publish(first, 150);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.spoolRecords() == 150);
        first.close();
        assertThat(segmentFiles()).isNotEmpty();

        // Tally restarts while Kafka is still away: the spool is kept, new events queue behind it
        SpoolingEventPublisher second = publisher();
        assertThat(second.mode()).isEqualTo(SpoolingEventPublisher.Mode.SPOOLING);
        assertThat(second.spoolRecords()).isEqualTo(150);
        publish(second, 30);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> second.spoolRecords() == 180);

        restartBroker();
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> second.mode() == SpoolingEventPublisher.Mode.DIRECT && second.spoolRecords() == 0);
        assertDeliveredExactlyOnceInOrder();
        assertThat(second.dropped()).isZero();
    }

    /** Reads the whole topic back: each published id exactly once, and per team in publish order. */
    void assertDeliveredExactlyOnceInOrder() throws IOException {
        Map<String, List<String>> consumed = new LinkedHashMap<>();
        int total = 0;
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            List<TopicPartition> parts = c.partitionsFor(TOPIC).stream()
                    .map(pi -> new TopicPartition(TOPIC, pi.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(records::add);
                return parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
            for (ConsumerRecord<String, String> r : records) {
                String id = mapper.readTree(r.value()).get("id").asText();
                consumed.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(id);
                total++;
            }
        }
        assertThat(total).isEqualTo(publishedCount());
        assertThat(consumed).isEqualTo(published);
    }

    List<Path> segmentFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("spool"))) {
            return s.filter(f -> f.toString().endsWith(".seg") && sizeOf(f) > SpoolFormat.HEADER)
                    .toList();
        }
    }

    static long sizeOf(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return 0;
        }
    }
}
