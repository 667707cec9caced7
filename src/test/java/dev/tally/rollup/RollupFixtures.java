package dev.tally.rollup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.UsageData;
import dev.tally.platform.TallyServices;

/** Test support: raw producing to the real broker and reading rollups back from the real database. */
final class RollupFixtures implements AutoCloseable {

    static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final KafkaProducer<String, byte[]> producer;
    private final DataSource dataSource;

    RollupFixtures(DataSource dataSource) {
        this.dataSource = dataSource;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TallyServices.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    static UsageData usage(
            UUID team,
            UUID employee,
            String model,
            long in,
            long out,
            long cacheRead,
            long cacheWrite,
            Long costNanos,
            String outcome) {
        return new UsageData(
                UUID.randomUUID().toString(),
                UUID.randomUUID().toString(),
                employee.toString(),
                team.toString(),
                "openai",
                model,
                "chat.completions",
                false,
                200,
                outcome,
                in,
                out,
                cacheRead,
                cacheWrite,
                0,
                costNanos,
                costNanos != null,
                false,
                120,
                null,
                null);
    }

    static CloudEvent<UsageData> usageEvent(String id, Instant time, UsageData d) {
        return CloudEvent.of(id, "/test/gateway", CloudEvent.USAGE_TYPE, d.teamId(), time, d);
    }

    static CloudEvent<OutcomeData> outcomeEvent(String id, UUID team, String kind, boolean ai, Instant at) {
        OutcomeData d =
                new OutcomeData(kind, team.toString(), null, ai, List.of("test"), "test", "ref-" + id, at, null, null);
        return CloudEvent.of(id, "/test/outcomes", CloudEvent.OUTCOME_TYPE, team.toString(), Instant.now(), d);
    }

    void send(String topic, CloudEvent<?> event) {
        try {
            send(topic, event.subject(), JSON.writeValueAsBytes(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    void send(String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    /** Sends and waits for the broker's acknowledgement; returns where the record landed. */
    RecordMetadata sendSync(String topic, String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    void flush() {
        producer.flush();
    }

    /** Sums of usage_daily for one team: every {@link UsageMeasure}, by column name. */
    Map<String, Long> usageTotals(UUID team) throws SQLException {
        return usageTotals(team, "usage_daily");
    }

    /** The same sums from another per-team usage table (usage_team_day, usage_team_month). */
    Map<String, Long> usageTotals(UUID team, String table) throws SQLException {
        return sums(
                "SELECT "
                        + UsageMeasure.ALL.stream()
                                .map(m -> "coalesce(sum(" + m.column() + "), 0) " + m.column())
                                .collect(Collectors.joining(", "))
                        + " FROM " + table + " WHERE team_id = ?",
                team);
    }

    /** Sums of usage_hourly for one team. */
    Map<String, Long> hourlyTotals(UUID team) throws SQLException {
        return sums("""
                SELECT coalesce(sum(requests),0) requests, coalesce(sum(cost_nanos),0) cost_nanos,
                       coalesce(sum(unpriced_requests),0) unpriced_requests
                FROM usage_hourly WHERE team_id = ?""", team);
    }

    long requests(UUID team) throws SQLException {
        return usageTotals(team).get("requests");
    }

    long outcomes(UUID team) throws SQLException {
        return sums("SELECT coalesce(sum(outcomes),0) outcomes FROM outcome_team_day WHERE team_id = ?", team)
                .get("outcomes");
    }

    /** How many DLQ entries the record at {@code m} has whose reason contains {@code reason} (1 once dead-lettered). */
    long dlqEntries(RecordMetadata m, String reason) throws SQLException {
        return scalar(
                "SELECT count(*) FROM dlq_entry WHERE topic = ? AND partition = ? AND kafka_offset = ? AND reason LIKE ?",
                m.topic(),
                m.partition(),
                m.offset(),
                "%" + reason + "%");
    }

    long scalar(String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A single numeric value; the query has one parameter. */
    java.math.BigDecimal scalarDecimal(String sql, Object arg) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    /** One row of named sums; the query has one parameter. */
    Map<String, Long> sums(String sql, Object arg) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Map<String, Long> out = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    out.put(rs.getMetaData().getColumnLabel(i), rs.getLong(i));
                }
                return out;
            }
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
