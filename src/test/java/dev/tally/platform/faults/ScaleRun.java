package dev.tally.platform.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.CloudEvent;
import dev.tally.events.EventIds;
import dev.tally.events.UsageData;
import dev.tally.events.UsageEventJson;
import dev.tally.rollup.bench.BulkProducer;

/**
 * The Java steps of {@code bench/scale.sh} (issue 12, item 4), one per command, each printing one
 * {@code KEY value…} line the script reads. The cluster's addresses come from the environment as
 * {@code kafka/cluster.sh env} prints them ({@code TALLY_KAFKA_BOOTSTRAP_SERVERS},
 * {@code QUARKUS_DATASOURCE_*}).
 *
 * <ul>
 *   <li>{@code produce <n>}: n usage events of 200 teams × 10 people × 6 models, written as the
 *       gateway writes them (time-ordered ids, {@link UsageEventJson}, keyed by team, acks=all);
 *       prints their count and spend.
 *   <li>{@code createdb <name>}: a new, empty database on the cluster's PostgreSQL.
 *   <li>{@code await <events> <spend> <timeout s> <members>}: waits until the consumer group has
 *       that many members (every instance's consumers joined) and a batch's offsets are stored in
 *       the database (QUARKUS_DATASOURCE_JDBC_URL), says {@code TIMING}, then times until the stored offsets reach the
 *       end of {@code tally.usage.v1}: the events stored meanwhile and their rate; then the rollups'
 *       requests and spend, which must equal the events produced.
 *   <li>{@code propagation <gateway url> <key> <team id> <body file> <calls>}: one call at a time,
 *       the time from its answer until the rollups count it.
 *   <li>{@code count <management urls, comma-separated> <team id>…}: once the gateways' queues and
 *       spools are empty, each team's records and distinct ids on the usage topic, in one pass.
 * </ul>
 */
public final class ScaleRun {

    private static final String GROUP = "tally-aggregator";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] MODELS = {
        "gpt-4o-mini", "gpt-4o", "claude-sonnet-4-5", "claude-haiku-4-5", "o3-mini", "gpt-4.1"
    };

    private ScaleRun() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        switch (args[0]) {
            case "produce" -> produce(env, Long.parseLong(args[1]));
            case "createdb" -> createdb(env, args[1]);
            case "await" ->
                await(
                        env,
                        Long.parseLong(args[1]),
                        Long.parseLong(args[2]),
                        Long.parseLong(args[3]),
                        Integer.parseInt(args[4]));
            case "propagation" ->
                propagation(env, args[1], args[2], args[3], Path.of(args[4]), Integer.parseInt(args[5]));
            case "count" -> count(env, args[1], Arrays.asList(args).subList(2, args.length));
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static void produce(Map<String, String> env, long events) throws Exception {
        List<String> teams = new ArrayList<>();
        List<String> people = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int t = 0; t < 200; t++) {
            teams.add(UUID.randomUUID().toString());
            for (int e = 0; e < 10; e++) {
                people.add(UUID.randomUUID().toString());
                keys.add(UUID.randomUUID().toString());
            }
        }
        SplittableRandom random = new SplittableRandom(12);
        // the last hour: every event lands on today's (or, just after midnight, yesterday's) rows
        long now = System.currentTimeMillis();
        long spend = 0;
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = BulkProducer.open(env.get("TALLY_KAFKA_BOOTSTRAP_SERVERS"))) {
            for (long i = 0; i < events; i++) {
                int who = random.nextInt(people.size());
                String team = teams.get(who / 10);
                // a person mostly calls one model, sometimes another
                String model =
                        random.nextInt(4) > 0 ? MODELS[who % MODELS.length] : MODELS[random.nextInt(MODELS.length)];
                long in = 100 + random.nextInt(6000);
                long out = 20 + random.nextInt(1200);
                long cacheRead = random.nextInt(3) == 0 ? random.nextInt(30_000) : 0;
                long cost = in * 250 + out * 1000 + cacheRead * 25;
                spend += cost;
                long at = now - 3_600_000L + i * 3_600_000L / events;
                String id = EventIds.timeOrdered(at);
                boolean stream = random.nextBoolean();
                UsageData d = new UsageData(
                        id,
                        keys.get(who),
                        people.get(who),
                        team,
                        model.startsWith("claude") ? "anthropic" : "openai",
                        model,
                        model.startsWith("claude") ? "messages" : "chat.completions",
                        stream,
                        200,
                        UsageData.OUTCOME_OK,
                        in,
                        out,
                        cacheRead,
                        0,
                        0,
                        cost,
                        true,
                        false,
                        300 + random.nextInt(4000),
                        stream ? (long) 100 + random.nextInt(600) : null,
                        null);
                producer.send(new ProducerRecord<>(
                        Reconciliation.USAGE,
                        team,
                        UsageEventJson.write(CloudEvent.of(
                                id, "/tally/gateway", CloudEvent.USAGE_TYPE, team, Instant.ofEpochMilli(at), d))));
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("PRODUCED %d %d %.1f%n", events, spend, seconds);
    }

    static void createdb(Map<String, String> env, String name) throws SQLException {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("a plain database name, not " + name);
        }
        try (Connection c = connect(env);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        System.out.println("CREATED " + name);
    }

    static void await(Map<String, String> env, long events, long spend, long timeoutSeconds, int members)
            throws Exception {
        long target = endOffsets(env);
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        long firstStored;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", env.get("TALLY_KAFKA_BOOTSTRAP_SERVERS")))) {
            // every instance's consumers in the group, and a batch stored: the instances' start-up is over
            firstStored = Awaitility.await("the group reaching " + members + " members with a batch stored")
                    .atMost(Duration.ofSeconds(timeoutSeconds))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> groupMembers(admin) < members ? 0L : storedOffsets(env), stored -> stored > 0);
        }
        // JVM start and schema migration end here: the rate counts from this batch on
        long firstAt = System.nanoTime();
        System.out.println("TIMING " + firstStored);
        System.out.flush();
        Awaitility.await("the aggregators storing " + target + " offsets")
                .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> storedOffsets(env), stored -> stored >= target);
        long doneAt = System.nanoTime();
        double seconds = (doneAt - firstAt) / 1e9;
        double rate = seconds > 0 ? (target - firstStored) / seconds : Double.NaN;
        long requests;
        long cost;
        try (Connection c = connect(env);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(requests), 0), coalesce(sum(cost_nanos), 0) FROM usage_daily");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            requests = rs.getLong(1);
            cost = rs.getLong(2);
        }
        boolean equal = requests == events && cost == spend && target == events;
        System.out.printf(
                "DRAINED %d %.1f %.0f %d %d %d %s%n",
                target, seconds, rate, firstStored, requests, cost, equal ? "equal" : "DIFFERENT");
    }

    static void propagation(Map<String, String> env, String gateway, String key, String team, Path body, int calls)
            throws Exception {
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String json = Files.readString(body);
        long[] lags = new long[calls];
        try (Connection c = connect(env);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(requests), 0) FROM usage_daily WHERE team_id = ?::uuid")) {
            ps.setString(1, team);
            for (int i = 0; i < calls; i++) {
                long before = count(ps);
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create(gateway + "/v1/chat/completions"))
                                .header("Authorization", "Bearer " + key)
                                .header("content-type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                long answered = System.nanoTime();
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("the call answered " + r.statusCode() + ": " + r.body());
                }
                // wall-clock on purpose: this measures how long another process takes, to the poll's 10 ms
                Awaitility.await("a call rolled up")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> count(ps) > before);
                lags[i] = (System.nanoTime() - answered) / 1_000_000L;
            }
        }
        Arrays.sort(lags);
        System.out.printf("PROPAGATION %d %d %d %d%n", calls, lags[0], lags[calls / 2], lags[calls - 1]);
    }

    static void count(Map<String, String> env, String managementUrls, List<String> teams) throws Exception {
        Reconciliation reconciliation = new Reconciliation(env);
        long deadline = System.nanoTime() + 300_000_000_000L;
        for (String url : managementUrls.split(",")) {
            Awaitility.await(url + " holding no events")
                    .atMost(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> reconciliation.waiting(URI.create(url)) == 0);
        }
        // one pass over the topic for every team: records and distinct ids of each
        Map<String, Long> records = new HashMap<>();
        Map<String, Set<String>> ids = new HashMap<>();
        for (String team : teams) {
            records.put(team, 0L);
            ids.put(team, new HashSet<>());
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer(env)) {
            List<TopicPartition> parts = partitions(consumer);
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    // the key is the team id: only the teams asked for are parsed
                    if (records.containsKey(r.key())) {
                        JsonNode event = JSON.readTree(r.value());
                        String team = event.path("data").path("teamId").asText();
                        if (records.containsKey(team)) {
                            records.merge(team, 1L, Long::sum);
                            ids.get(team).add(event.path("id").asText());
                        }
                    }
                }
            }
        }
        for (String team : teams) {
            System.out.printf(
                    "TOPIC %s %d %d%n", team, records.get(team), ids.get(team).size());
        }
    }

    private static long count(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long endOffsets(Map<String, String> env) {
        try (KafkaConsumer<String, byte[]> consumer = consumer(env)) {
            return consumer.endOffsets(partitions(consumer), Duration.ofSeconds(30)).values().stream()
                    .mapToLong(Long::longValue)
                    .sum();
        }
    }

    private static KafkaConsumer<String, byte[]> consumer(Map<String, String> env) {
        return new KafkaConsumer<>(
                Map.of(
                        "bootstrap.servers",
                        env.get("TALLY_KAFKA_BOOTSTRAP_SERVERS"),
                        "enable.auto.commit",
                        "false",
                        "max.poll.records",
                        "5000"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        return consumer.partitionsFor(Reconciliation.USAGE, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(Reconciliation.USAGE, p.partition()))
                .toList();
    }

    private static int groupMembers(Admin admin) throws Exception {
        try {
            return admin.describeConsumerGroups(List.of(GROUP))
                    .all()
                    .get()
                    .get(GROUP)
                    .members()
                    .size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0; // no consumer has joined yet
            }
            throw e;
        }
    }

    /** The offsets the aggregators stored with their rollups; 0 until their schema exists. */
    private static long storedOffsets(Map<String, String> env) {
        try (Connection c = connect(env);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(next_offset), 0) FROM consumer_offset WHERE group_id = ? AND topic = ?")) {
            ps.setString(1, GROUP);
            ps.setString(2, Reconciliation.USAGE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            return 0; // the first instance is still migrating the schema
        }
    }

    private static Connection connect(Map<String, String> env) throws SQLException {
        Properties db = new Properties();
        db.setProperty("user", env.get("QUARKUS_DATASOURCE_USERNAME"));
        db.setProperty("password", env.get("QUARKUS_DATASOURCE_PASSWORD"));
        return DriverManager.getConnection(env.get("QUARKUS_DATASOURCE_JDBC_URL"), db);
    }
}
