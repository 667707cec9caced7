package dev.tally.platform.faults;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.CallOutcome;

/**
 * Reads, after the faults, every place a call is counted and compares them: the topic (every
 * record, read from the beginning), the rollups in PostgreSQL, the reports API and its CSV, the
 * gateways' spools and the dead-letter queue. Nothing here trusts Tally's own summary of itself.
 */
final class Reconciliation {

    static final String USAGE = "tally.usage.v1";
    static final String DLQ = "tally.dlq.v1";
    private static final String GROUP = "tally-aggregator";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern METRIC =
            Pattern.compile("(?m)^(tally_events_spool_records|tally_events_queue_depth)(?:\\{[^}]*\\})? (\\S+)$");

    /**
     * What the topic holds for the run's team: every distinct id, those with outcome ok, the outcome
     * of every other one, their spend.
     */
    record Topic(
            long records,
            Set<String> ids,
            Set<String> okIds,
            Map<String, String> notOk,
            long spendNanos,
            long dlqRecords) {

        /** Calls the gateways refused (outcome rejected): the rollups count them apart from usage. */
        long rejected() {
            return notOk.values().stream()
                    .filter(o -> CallOutcome.fromJson(o) == CallOutcome.REJECTED)
                    .count();
        }

        /** Calls that are usage: every distinct id but the refused ones. */
        long usageCalls() {
            return ids.size() - rejected();
        }

        /** Events the rollups do not count as errors: outcome ok or client_cancelled (see CallOutcome#failed). */
        long notFailed() {
            return ids.size()
                    - notOk.values().stream()
                            .filter(o -> CallOutcome.fromJson(o) == null
                                    || CallOutcome.fromJson(o).failed())
                            .count();
        }
    }

    /**
     * One row of the table: a place calls are counted, its count of calls, of calls answered 2xx
     * (outcome ok) where it tells them apart, and its spend.
     */
    record Figure(String where, long calls, Long ok, Long spendNanos) {}

    private final String bootstrap;
    private final String jdbcUrl;
    private final Properties db = new Properties();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String adminToken;

    Reconciliation(Map<String, String> env) {
        this.bootstrap = env.get("TALLY_KAFKA_BOOTSTRAP_SERVERS");
        this.jdbcUrl = env.get("QUARKUS_DATASOURCE_JDBC_URL");
        db.setProperty("user", env.get("QUARKUS_DATASOURCE_USERNAME"));
        db.setProperty("password", env.get("QUARKUS_DATASOURCE_PASSWORD"));
        this.adminToken = env.get("TALLY_ADMIN_TOKEN");
    }

    /** Events waiting in a gateway: in its queue and in its spool on disk (from its metrics). */
    long waiting(URI management) throws IOException, InterruptedException {
        String body = http.send(
                        HttpRequest.newBuilder(management.resolve("/q/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = METRIC.matcher(body);
        long sum = 0;
        int seen = 0;
        while (m.find()) {
            sum += (long) Double.parseDouble(m.group(2));
            seen++;
        }
        if (seen < 2) {
            throw new IllegalStateException(management + " has no spool metrics");
        }
        return sum;
    }

    /** Usage records not yet rolled up: end offsets minus the offsets stored with the rollups. */
    long lag() throws SQLException {
        Map<Integer, Long> stored = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, db);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT partition, next_offset FROM consumer_offset WHERE group_id = ? AND topic = ?")) {
            ps.setString(1, GROUP);
            ps.setString(2, USAGE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> parts = consumer.partitionsFor(USAGE, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(USAGE, p.partition()))
                    .toList();
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> end :
                    consumer.endOffsets(parts, Duration.ofSeconds(30)).entrySet()) {
                lag += end.getValue() - stored.getOrDefault(end.getKey().partition(), 0L);
            }
            return lag;
        }
    }

    /** Every record of the usage topic from the beginning, the run's team's ones kept; and the DLQ's size. */
    Topic topic(String teamId) {
        Set<String> ids = new HashSet<>();
        Set<String> okIds = new HashSet<>();
        Map<String, String> notOk = new HashMap<>();
        long records = 0;
        long spend = 0;
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> parts = consumer.partitionsFor(USAGE, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(USAGE, p.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, Duration.ofSeconds(30));
            while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    JsonNode event = read(r.value());
                    JsonNode data = event.path("data");
                    if (!teamId.equals(data.path("teamId").asText())) {
                        continue;
                    }
                    records++;
                    String id = event.path("id").asText();
                    if (ids.add(id)) {
                        spend += data.path("costNanos").asLong(0);
                        String outcome = data.path("outcome").asText();
                        if (CallOutcome.OK.json.equals(outcome)) {
                            okIds.add(id);
                        } else {
                            notOk.put(id, outcome);
                        }
                    }
                }
            }
            List<TopicPartition> dlq = consumer.partitionsFor(DLQ, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(DLQ, p.partition()))
                    .toList();
            long dlqRecords = 0;
            Map<TopicPartition, Long> dlqStart = consumer.beginningOffsets(dlq, Duration.ofSeconds(30));
            for (Map.Entry<TopicPartition, Long> e :
                    consumer.endOffsets(dlq, Duration.ofSeconds(30)).entrySet()) {
                dlqRecords += e.getValue() - dlqStart.get(e.getKey());
            }
            return new Topic(records, ids, okIds, notOk, spend, dlqRecords);
        }
    }

    Figure rollups(String teamId) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, db);
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(requests), 0), coalesce(sum(error_requests), 0), coalesce(sum(cost_nanos), 0) "
                                + "FROM usage_daily WHERE team_id = ?::uuid")) {
            ps.setString(1, teamId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Figure(
                        "requests in the rollups (usage_daily, refused calls apart; 2xx/ok column: requests - error_requests, i.e. ok or client_cancelled)",
                        rs.getLong(1),
                        rs.getLong(1) - rs.getLong(2),
                        rs.getLong(3));
            }
        }
    }

    /** Refused calls of the team in the rollups ({@code refusal_team_day}), every reason. */
    long refusals(String teamId) throws SQLException {
        return single("SELECT coalesce(sum(requests), 0) FROM refusal_team_day WHERE team_id = ?::uuid", teamId);
    }

    long dlqRows() throws SQLException {
        return single("SELECT count(*) FROM dlq_entry");
    }

    /** The one number a query answers, its {@code ?} bound to {@code params} in order. */
    private long single(String sql, String... params) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, db);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    Figure report(URI dashboard, String teamId) throws IOException, InterruptedException {
        JsonNode totals = JSON.readTree(get(dashboard, "/api/reports/teams/" + teamId + range()))
                .path("totals");
        return new Figure(
                "/api/reports totals",
                totals.path("requests").asLong(-1),
                null,
                totals.path("spend_nanos").asLong(-1));
    }

    Figure csv(URI dashboard, String teamId) throws IOException, InterruptedException {
        String csv = get(dashboard, "/api/reports/teams/" + teamId + range() + "&format=csv&table=daily");
        String[] lines = csv.split("\r\n");
        List<String> header = Arrays.asList(lines[0].split(","));
        int requests = header.indexOf("requests");
        int spend = header.indexOf("spend_usd");
        if (requests < 0 || spend < 0) {
            throw new IllegalStateException("the daily CSV has no requests or spend_usd column: " + lines[0]);
        }
        long calls = 0;
        BigDecimal usd = BigDecimal.ZERO;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("TOTAL")) {
                continue;
            }
            String[] cells = lines[i].split(",", -1);
            calls += cells[requests].isEmpty() ? 0 : Long.parseLong(cells[requests]);
            usd = usd.add(cells[spend].isEmpty() ? BigDecimal.ZERO : new BigDecimal(cells[spend]));
        }
        return new Figure(
                "CSV totals (daily table)", calls, null, usd.movePointRight(9).longValueExact());
    }

    /** Yesterday to tomorrow (UTC): a run that crosses midnight stays inside it. */
    private static String range() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return "?from=" + today.minusDays(1) + "&to=" + today.plusDays(1);
    }

    private String get(URI base, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + adminToken)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
