package dev.tally.rollup.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.CloudEvent;
import dev.tally.events.EventIds;
import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;
import dev.tally.rollup.Aggregator;

/**
 * Drain rate of the aggregator: pre-produces {@code bench.events} (default 1,000,000) usage
 * events with the gateway's time-ordered ids ({@code -Dbench.ids=random}: random UUIDs) of 200 teams × 10 employees × 6 models over six hours while the aggregator is stopped,
 * then starts it and measures the time until the stored offsets reach the end of the topic.
 * Not part of the normal test run (tag "benchmark"); run it with
 * {@code ./mvnw test -DtestExcludedGroups=none -Dtest=AggregatorBenchmark}.
 * The figures go to the log and to {@code target/benchmark-aggregator.txt}.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
@Tag("benchmark")
class AggregatorBenchmark {

    static final String[] MODELS = {
        "gpt-4o-mini", "gpt-4o", "claude-sonnet-4-5", "claude-haiku-4-5", "o3-mini", "llama-3.1-70b"
    };

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper mapper;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    @ConfigProperty(name = "tally.aggregator.consumers")
    int consumers;

    @ConfigProperty(name = "tally.aggregator.usage-dedupe")
    boolean dedupe;

    @Test
    void drainRate() throws Exception {
        int events = Integer.getInteger("bench.events", 1_000_000);
        // the gateway's ids are time-ordered (UUID version 7); -Dbench.ids=random measures ids of
        // another producer, random version 4 UUIDs
        boolean timeOrderedIds = !"random".equals(System.getProperty("bench.ids"));
        // stop the app's consumers only once they are in the group with their partitions: one
        // closed while its join is still in flight leaves a member the broker waits for until its
        // session times out (45 s), and the benchmark's own consumers then waited for it too
        Awaitility.await()
                .atMost(Duration.ofMinutes(1))
                .until(() -> aggregator.running()
                        && aggregator.consumers().stream()
                                .allMatch(c -> !c.assignment().isEmpty()));
        aggregator.stop();

        List<UUID> teams = new ArrayList<>();
        List<UUID> employees = new ArrayList<>();
        // one gateway key per employee, as an organisation hands them out; the key is part of the
        // key, hourly and budget rollups (usage_key_day, usage_key_month, usage_hourly)
        List<UUID> keys = new ArrayList<>();
        for (int t = 0; t < 200; t++) {
            teams.add(UUID.randomUUID());
            for (int e = 0; e < 10; e++) {
                employees.add(UUID.randomUUID());
                keys.add(UUID.randomUUID());
            }
        }
        SplittableRandom random = new SplittableRandom(42);
        // a backlog of 1M calls is about six hours of an org of 2,000 heavy users; each employee
        // mostly uses one model (70 %), sometimes any of the others; yesterday 12:00 to 18:00 UTC, so
        // every run writes its rows into one day whatever the hour it runs (six hours ending now
        // crossed midnight in runs before 06:00 UTC, doubling the daily rows)
        Duration span = Duration.ofHours(6);
        Instant base = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofHours(12));
        long expectedCost = 0;
        long expectedInput = 0;
        long unpriced = 0;
        long produceStart = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = BulkProducer.open(TallyServices.bootstrapServers())) {
            for (int i = 0; i < events; i++) {
                int emp = random.nextInt(employees.size());
                UUID team = teams.get(emp / 10);
                String model =
                        random.nextInt(10) < 7 ? MODELS[emp % MODELS.length] : MODELS[random.nextInt(MODELS.length)];
                boolean priced = !"llama-3.1-70b".equals(model);
                long in = 50 + random.nextInt(4000);
                long out = 10 + random.nextInt(1500);
                long cacheRead = random.nextInt(4) == 0 ? random.nextInt(20_000) : 0;
                Long cost = priced ? in * 150 + out * 600 + cacheRead * 75 : null;
                if (priced) {
                    expectedCost += cost;
                } else {
                    unpriced++;
                }
                expectedInput += in;
                Instant time = base.plusMillis((long) i * span.toMillis() / events);
                String id = timeOrderedIds
                        ? EventIds.timeOrdered(time.toEpochMilli())
                        : UUID.randomUUID().toString();
                UsageData d = new UsageData(
                        id,
                        keys.get(emp).toString(),
                        employees.get(emp).toString(),
                        team.toString(),
                        model.startsWith("claude") ? "anthropic" : "openai",
                        model,
                        "chat.completions",
                        random.nextBoolean(),
                        200,
                        UsageData.OUTCOME_OK,
                        in,
                        out,
                        cacheRead,
                        0,
                        0,
                        cost,
                        priced,
                        false,
                        200 + random.nextInt(3000),
                        null,
                        null);
                CloudEvent<UsageData> ev =
                        CloudEvent.of(id, "/tally/gateway", CloudEvent.USAGE_TYPE, team.toString(), time, d);
                producer.send(new ProducerRecord<>(Topics.USAGE, team.toString(), mapper.writeValueAsBytes(ev)));
            }
            producer.flush();
        }
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;

        Map<TopicPartition, Long> ends = new HashMap<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", TallyServices.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < 6; p++) {
                latest.put(new TopicPartition(Topics.USAGE, p), OffsetSpec.latest());
            }
            admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        }
        long target = ends.values().stream().mapToLong(Long::longValue).sum();
        long already = committed();

        long start = System.nanoTime();
        aggregator.start();
        Awaitility.await()
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> committed() >= target);
        double seconds = (System.nanoTime() - start) / 1e9;
        long drained = target - already;
        double rate = drained / seconds;

        long requests = 0;
        long cost = 0;
        long input = 0;
        long unpricedRequests = 0;
        long rows = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                SELECT sum(requests), sum(cost_nanos), sum(input_tokens), sum(unpriced_requests), count(*)
                FROM usage_daily WHERE team_id = ANY (?)""")) {
            ps.setArray(1, c.createArrayOf("uuid", teams.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                requests = rs.getLong(1);
                cost = rs.getLong(2);
                input = rs.getLong(3);
                unpricedRequests = rs.getLong(4);
                rows = rs.getLong(5);
            }
        }
        String report = String.format(
                """
                aggregator benchmark (%s)
                  events produced        %,d (%.1f s to produce, %,.0f events/s)
                  records drained        %,d
                  drain time             %.2f s
                  drain rate             %,.0f events/s
                  consumers              %d, usage dedupe %s, ids %s
                  usage_daily rows       %,d
                  reconciled             requests %,d, cost %,d nanos, input %,d tokens, unpriced %,d
                """,
                Instant.now(),
                events,
                produceSeconds,
                events / produceSeconds,
                drained,
                seconds,
                rate,
                consumers,
                dedupe ? "on" : "off",
                timeOrderedIds ? "time-ordered (UUIDv7, as the gateway's)" : "random (UUIDv4)",
                rows,
                requests,
                cost,
                input,
                unpricedRequests);
        StringBuilder stages = new StringBuilder("  seconds per stage      ");
        for (String stage : List.of("decode", "dlq", "claim", "upsert", "commit")) {
            var timer =
                    registry.find("tally.aggregator.stage").tag("stage", stage).timer();
            stages.append(String.format(
                    "%s %.2f  ", stage, timer == null ? 0 : timer.totalTime(java.util.concurrent.TimeUnit.SECONDS)));
        }
        var batchTimer = registry.find("tally.aggregator.batch").timer();
        stages.append(String.format("%n  batches                %d%n", batchTimer == null ? 0 : batchTimer.count()));
        report = report + stages;
        System.out.println(report);
        try {
            Files.writeString(
                    Path.of("target", "benchmark-aggregator.txt"),
                    report,
                    java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not write target/benchmark-aggregator.txt: " + e.getMessage());
        }
        assertThat(requests).isEqualTo(events);
        assertThat(cost).isEqualTo(expectedCost);
        assertThat(input).isEqualTo(expectedInput);
        assertThat(unpricedRequests).isEqualTo(unpriced);
    }

    private long committed() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(next_offset),0) FROM consumer_offset WHERE group_id = 'tally-aggregator' AND topic = ?")) {
            ps.setString(1, Topics.USAGE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
