package dev.tally.rollup.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.CloudEvent;
import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;
import dev.tally.rollup.Aggregator;

/**
 * Freshness under light load: 300 calls, one every 20 ms (50 calls/s), each of its own team; the
 * time from handing the event to the producer until its team's row is visible in usage_hourly
 * (polled every 20 ms). Reports p50, p95 and max. Run with
 * {@code ./mvnw test -DtestExcludedGroups=none -Dtest=FreshnessBenchmark}.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
@Tag("benchmark")
class FreshnessBenchmark {

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    @Test
    void callToRollupLatency() throws Exception {
        aggregator.start();
        int n = 300;
        List<UUID> teams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            teams.add(UUID.randomUUID());
        }
        Map<UUID, Long> sentAt = new ConcurrentHashMap<>();
        Map<UUID, Long> seenAt = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TallyServices.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
            pacer.scheduleAtFixedRate(
                    () -> {
                        int i = next.getAndIncrement();
                        if (i >= n) {
                            return;
                        }
                        UUID team = teams.get(i);
                        UsageData d = new UsageData(
                                UUID.randomUUID().toString(),
                                UUID.randomUUID().toString(),
                                UUID.randomUUID().toString(),
                                team.toString(),
                                "openai",
                                "gpt-4o-mini",
                                "chat.completions",
                                false,
                                200,
                                UsageData.OUTCOME_OK,
                                100,
                                20,
                                0,
                                0,
                                0,
                                27_000L,
                                true,
                                false,
                                300,
                                null,
                                null);
                        try {
                            byte[] value = mapper.writeValueAsBytes(CloudEvent.of(
                                    UUID.randomUUID().toString(),
                                    "/bench",
                                    CloudEvent.USAGE_TYPE,
                                    team.toString(),
                                    Instant.now(),
                                    d));
                            sentAt.put(team, System.nanoTime());
                            producer.send(new ProducerRecord<>(Topics.USAGE, team.toString(), value));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    0,
                    20,
                    TimeUnit.MILLISECONDS);

            Awaitility.await()
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        try (Connection c = dataSource.getConnection();
                                PreparedStatement ps = c.prepareStatement(
                                        "SELECT team_id FROM usage_hourly WHERE team_id = ANY (?)")) {
                            ps.setArray(1, c.createArrayOf("uuid", teams.toArray()));
                            try (ResultSet rs = ps.executeQuery()) {
                                long now = System.nanoTime();
                                while (rs.next()) {
                                    seenAt.putIfAbsent(rs.getObject(1, UUID.class), now);
                                }
                            }
                        }
                        return seenAt.size() == n;
                    });
        } finally {
            pacer.shutdownNow();
        }
        long[] ms = teams.stream()
                .mapToLong(t -> (seenAt.get(t) - sentAt.get(t)) / 1_000_000)
                .sorted()
                .toArray();
        String report = String.format("""
                freshness benchmark (%s)
                  calls                  %d at 50/s, each its own team
                  call -> usage_hourly   p50 %d ms, p95 %d ms, max %d ms
                """, Instant.now(), n, ms[n / 2], ms[(int) Math.ceil(n * 0.95) - 1], ms[n - 1]);
        System.out.println(report);
        Files.writeString(
                Path.of("target", "benchmark-aggregator.txt"),
                report,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        assertThat(seenAt).hasSize(n);
    }
}
