package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.tally.events.KafkaStartup;
import dev.tally.events.SpoolingEventPublisher;
import dev.tally.events.Topics;
import dev.tally.platform.EmbeddedDatabase;
import dev.tally.platform.EmbeddedKafka;
import dev.tally.platform.Ports;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestFiles;

/**
 * A gateway-only instance started while its external Kafka is unreachable (nothing listens on the
 * bootstrap port): it is ready for calls, says on health and metrics that it spools, serves calls
 * through the (fake) provider and spools their events; once a real broker comes up on that port,
 * every call reaches the topic exactly once.
 */
@QuarkusTest
@TestProfile(GatewayWithoutKafkaTest.GatewayOnly.class)
@WithTestResource(GatewayWithoutKafkaTest.KafkaNotListening.class)
@WithTestResource(FakeProvider.class)
class GatewayWithoutKafkaTest {

    public static class GatewayOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tally.roles", "gateway");
        }
    }

    /** The shared embedded PostgreSQL, an own data directory, and Kafka at a free port where nothing listens. */
    public static class KafkaNotListening implements QuarkusTestResourceLifecycleManager {
        private Path dataDir;

        @Override
        public Map<String, String> start() {
            EmbeddedDatabase db = TallyServices.database();
            try {
                dataDir = Files.createTempDirectory("tally-gw-no-kafka-");
                return Map.of(
                        "tally.kafka.bootstrap-servers", "127.0.0.1:" + Ports.freePort(),
                        "quarkus.datasource.jdbc.url", db.jdbcUrl(),
                        "quarkus.datasource.username", db.username(),
                        "quarkus.datasource.password", db.password(),
                        "tally.data-dir", dataDir.toString(),
                        "tally.admin-token", TallyServices.ADMIN_TOKEN);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
            // the database is shared; the broker belongs to the test; the data directory (its spool) is ours
            if (dataDir != null) {
                TestFiles.deleteTempTree(dataDir);
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SPOOLING_GAUGE = Pattern.compile("(?m)^tally_events_spooling(?:\\{[^}]*})? (\\S+)$");

    @ConfigProperty(name = "tally.kafka.bootstrap-servers")
    String bootstrap;

    /** Health and metrics are on the management interface, not the public port. */
    @TestHTTPResource(value = "/health/ready", management = true)
    URL readyUrl;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    @Inject
    SpoolingEventPublisher publisher;

    @Inject
    KafkaStartup kafkaStartup;

    @Test
    void servesAndSpoolsWhileKafkaIsDownThenDeliversEachCallOnceWhenItIsUp(@TempDir Path brokerDir) throws Exception {
        // ready for calls, and saying that it spools
        JsonPath ready = given().get(readyUrl).then().statusCode(200).extract().jsonPath();
        assertThat(ready.getString("status")).isEqualTo("UP");
        assertThat(ready.getString("checks.find { it.name == 'Kafka' }.data.degraded"))
                .isEqualTo("Kafka unreachable: usage events are spooled");
        assertThat(ready.getString("checks.find { it.name == 'Event spool' }.data.mode"))
                .isEqualTo("spooling");
        assertThat(spoolingGauge()).isEqualTo(1.0);
        assertThat(kafkaStartup.state()).isEqualTo(KafkaStartup.State.WAITING);

        Admin.Key key = Admin.newKey();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Response r = given().header("Authorization", "Bearer " + key.key())
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                    .post("/v1/chat/completions");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.jsonPath().getString("choices[0].message.content")).isEqualTo("Hello there!");
            ids.add(r.header("x-request-id"));
            Response a = given().header("x-api-key", key.key())
                    .header("anthropic-version", "2023-06-01")
                    .contentType(ContentType.JSON)
                    .body(
                            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                    .post("/v1/messages");
            assertThat(a.statusCode()).isEqualTo(200);
            assertThat(a.jsonPath().getString("content[0].text")).isEqualTo("Hello there!");
            ids.add(a.header("x-request-id"));
        }
        assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
        await().atMost(Duration.ofSeconds(30)).until(() -> publisher.spoolRecords() == ids.size());
        assertThat(publisher.dropped()).isZero();

        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        try (EmbeddedKafka broker = new EmbeddedKafka(brokerDir, port, Ports.freePort()).start()) {
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> kafkaStartup.state() == KafkaStartup.State.READY
                            && publisher.mode() == SpoolingEventPublisher.Mode.DIRECT
                            && publisher.spoolRecords() == 0);

            Map<String, Integer> seen = usageIdsOnTheTopic(broker.bootstrapServers());
            assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(seen.values()).as("each call delivered once").containsOnly(1);

            JsonPath after =
                    given().get(readyUrl).then().statusCode(200).extract().jsonPath();
            assertThat(after.getString("checks.find { it.name == 'Kafka' }.data.degraded"))
                    .isNull();
            assertThat(after.getString("checks.find { it.name == 'Event spool' }.data.mode"))
                    .isEqualTo("direct");
            assertThat(spoolingGauge()).isEqualTo(0.0);
        }
    }

    private double spoolingGauge() {
        Matcher m = SPOOLING_GAUGE.matcher(
                given().get(metricsUrl).then().statusCode(200).extract().asString());
        assertThat(m.find()).as("tally_events_spooling in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** Every usage event on the topic, read to its end offsets: event id → how many times. */
    private static Map<String, Integer> usageIdsOnTheTopic(String bootstrapServers) throws Exception {
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "gw-no-kafka-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class))) {
            List<TopicPartition> partitions = c.partitionsFor(Topics.USAGE).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (var r : c.poll(Duration.ofMillis(200))) {
                    seen.merge(JSON.readTree(r.value()).path("id").asText(), 1, Integer::sum);
                }
                return partitions.stream().allMatch(tp -> c.position(tp) >= end.get(tp));
            });
        }
        return seen;
    }
}
