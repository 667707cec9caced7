package dev.tally.rollup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.platform.time.OrgCalendar;

/**
 * Writes a batch's rollups and the offsets that produced them in ONE PostgreSQL transaction.
 *
 * <p>The batch is aggregated in memory first, so ten thousand events become one row per rollup key;
 * every rollup table ({@link Rollups}) then takes a single multi-row statement
 * ({@code INSERT … SELECT FROM unnest(arrays)}), one round trip whatever the batch size. The same
 * transaction moves {@code rollup_version}, which the dashboards' cache checks.
 * The usage ids, one row per call, go in by {@code COPY} (see {@link UsageIdClaim}).
 *
 * <p>Offsets are a compare-and-set: the stored next offset must still be the one this consumer
 * started from. A consumer that lost its partitions without noticing (a long pause, a session
 * timeout) therefore cannot commit over its successor: its transaction rolls back whole.
 * Rows are written in a fixed key order so that two consumers never deadlock on the rollups.
 */
@ApplicationScoped
public class RollupStore {

    /**
     * Moves the version the report cache checks (docs/adr/0005): in the same transaction as the
     * rollups, last, so its row lock is held only until the commit.
     */
    private static final String BUMP_VERSION = "UPDATE rollup_version SET version = version + 1";

    private static final String INSERT_OUTCOMES = """
            INSERT INTO outcome (id, kind, team_id, employee_id, ai_assisted, attribution, source, ref, occurred_at,
                severity, value_hours, workload)
            SELECT u.id, u.kind, u.team_id, u.employee_id, u.ai_assisted, u.attribution::jsonb, u.source, u.ref,
                u.occurred_at, u.severity, u.value_hours, u.workload
            FROM unnest(?::text[], ?::text[], ?::uuid[], ?::uuid[], ?::bool[], ?::text[], ?::text[], ?::text[],
                ?::timestamptz[], ?::text[], ?::numeric[], ?::text[])
                AS u(id, kind, team_id, employee_id, ai_assisted, attribution, source, ref, occurred_at, severity,
                     value_hours, workload)
            ON CONFLICT (id) DO NOTHING
            RETURNING id""";

    private static final String INSERT_DLQ = """
            INSERT INTO dlq_entry (topic, partition, kafka_offset, reason)
            SELECT * FROM unnest(?::text[], ?::int4[], ?::int8[], ?::text[])
            ON CONFLICT (topic, partition, kafka_offset) DO NOTHING""";

    private static final String ADVANCE_OFFSET = """
            UPDATE consumer_offset SET next_offset = ?, updated_at = now()
            WHERE group_id = ? AND topic = ? AND partition = ? AND next_offset = ?""";

    private static final String FIRST_OFFSET = """
            INSERT INTO consumer_offset (group_id, topic, partition, next_offset) VALUES (?, ?, ?, ?)
            ON CONFLICT (group_id, topic, partition) DO NOTHING""";

    private final DataSource dataSource;
    private final ObjectMapper mapper;
    private final boolean usageDedupe;
    private final AggregatorMetrics metrics;
    private final Rollups rollups;

    public RollupStore(
            DataSource dataSource,
            ObjectMapper mapper,
            AggregatorConfig config,
            AggregatorMetrics metrics,
            OrgCalendar calendar) {
        this.dataSource = dataSource;
        this.metrics = metrics;
        this.mapper = mapper;
        this.usageDedupe = config.usageDedupe();
        this.rollups = new Rollups(calendar);
    }

    /** The stored next offset of each partition; a partition without a row is absent. */
    public Map<TopicPartition, Long> offsets(String groupId, Collection<TopicPartition> partitions)
            throws SQLException {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return out;
        }
        Set<TopicPartition> wanted = new HashSet<>(partitions);
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT topic, partition, next_offset FROM consumer_offset WHERE group_id = ?")) {
            ps.setString(1, groupId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TopicPartition tp = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (wanted.contains(tp)) {
                        out.put(tp, rs.getLong(3));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Applies the batch and moves each partition's stored offset from {@code expected} (absent: no
     * row yet) to the batch's next offset, all or nothing.
     *
     * @throws StaleOffsetsException when another consumer has moved an offset meanwhile
     */
    public BatchResult apply(String groupId, RollupBatch batch, Map<TopicPartition, Long> expected)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                // Offsets first: the row lock makes a competing consumer of the same partition wait
                // here, before it has written anything, and then fail its compare-and-set.
                long t0 = System.nanoTime();
                advanceOffsets(c, groupId, batch.nextOffsets, expected);
                Set<String> newUsage =
                        usageDedupe ? UsageIdClaim.claim(c, batch.usage.values()) : new HashSet<>(batch.usage.keySet());
                long t1 = System.nanoTime();
                Set<String> newOutcomes = insertOutcomes(c, batch.outcomes.values());
                PrFactRows.insert(c, batch.outcomes.values(), newOutcomes, mapper);
                writeDeadLetters(c, batch.deadLetters);
                if (!newUsage.isEmpty() || !newOutcomes.isEmpty()) {
                    rollups.write(
                            c,
                            counted(batch.usage.values(), newUsage, UsageEvent::id),
                            counted(batch.outcomes.values(), newOutcomes, OutcomeEvent::id));
                    try (PreparedStatement ps = c.prepareStatement(BUMP_VERSION)) {
                        ps.executeUpdate();
                    }
                }
                long t2 = System.nanoTime();
                c.commit();
                long t3 = System.nanoTime();
                metrics.stage("claim", t1 - t0);
                metrics.stage("upsert", t2 - t1);
                metrics.stage("commit", t3 - t2);
                return new BatchResult(
                        newUsage.size(),
                        batch.usage.size() - newUsage.size(),
                        newOutcomes.size(),
                        batch.outcomes.size() - newOutcomes.size(),
                        batch.deadLetters.size());
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static void advanceOffsets(
            Connection c, String groupId, Map<TopicPartition, Long> next, Map<TopicPartition, Long> expected)
            throws SQLException {
        List<TopicPartition> order = new ArrayList<>(next.keySet());
        order.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        try (PreparedStatement update = c.prepareStatement(ADVANCE_OFFSET);
                PreparedStatement insert = c.prepareStatement(FIRST_OFFSET)) {
            for (TopicPartition tp : order) {
                Long from = expected.get(tp);
                int n;
                if (from != null) {
                    update.setLong(1, next.get(tp));
                    update.setString(2, groupId);
                    update.setString(3, tp.topic());
                    update.setInt(4, tp.partition());
                    update.setLong(5, from);
                    n = update.executeUpdate();
                } else {
                    insert.setString(1, groupId);
                    insert.setString(2, tp.topic());
                    insert.setInt(3, tp.partition());
                    insert.setLong(4, next.get(tp));
                    n = insert.executeUpdate();
                }
                if (n != 1) {
                    throw new StaleOffsetsException(tp + ": stored offset is no longer "
                            + (from == null ? "absent" : from) + "; another consumer committed it");
                }
            }
        }
    }

    private Set<String> insertOutcomes(Connection c, Collection<OutcomeEvent> events) throws SQLException {
        Set<String> inserted = new HashSet<>();
        if (events.isEmpty()) {
            return inserted;
        }
        List<OutcomeEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(OutcomeEvent::id));
        int n = sorted.size();
        String[] ids = new String[n];
        String[] kinds = new String[n];
        UUID[] teams = new UUID[n];
        UUID[] employees = new UUID[n];
        Boolean[] ai = new Boolean[n];
        String[] attribution = new String[n];
        String[] sources = new String[n];
        String[] refs = new String[n];
        String[] occurred = new String[n];
        String[] severities = new String[n];
        String[] hours = new String[n];
        String[] workloads = new String[n];
        for (int i = 0; i < n; i++) {
            OutcomeEvent e = sorted.get(i);
            ids[i] = e.id();
            kinds[i] = e.kind();
            teams[i] = e.teamId();
            employees[i] = e.employeeId();
            ai[i] = e.aiAssisted();
            try {
                attribution[i] = mapper.writeValueAsString(e.attribution());
            } catch (JsonProcessingException ex) {
                throw new IllegalStateException("attribution of " + e.id() + " cannot be written", ex);
            }
            sources[i] = e.source();
            refs[i] = e.ref();
            occurred[i] = e.occurredAt().toString();
            severities[i] = e.severity();
            hours[i] = e.valueHours() == null ? null : e.valueHours().toPlainString();
            workloads[i] = e.workload();
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_OUTCOMES)) {
            ps.setArray(1, c.createArrayOf("text", ids));
            ps.setArray(2, c.createArrayOf("text", kinds));
            ps.setArray(3, c.createArrayOf("uuid", teams));
            ps.setArray(4, c.createArrayOf("uuid", employees));
            ps.setArray(5, c.createArrayOf("bool", ai));
            ps.setArray(6, c.createArrayOf("text", attribution));
            ps.setArray(7, c.createArrayOf("text", sources));
            ps.setArray(8, c.createArrayOf("text", refs));
            ps.setArray(9, c.createArrayOf("text", occurred));
            ps.setArray(10, c.createArrayOf("text", severities));
            ps.setArray(11, c.createArrayOf("text", hours));
            ps.setArray(12, c.createArrayOf("text", workloads));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    private static void writeDeadLetters(Connection c, List<DeadLetter> letters) throws SQLException {
        if (letters.isEmpty()) {
            return;
        }
        int n = letters.size();
        String[] topics = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        String[] reasons = new String[n];
        for (int i = 0; i < n; i++) {
            DeadLetter d = letters.get(i);
            topics[i] = d.topic();
            partitions[i] = d.partition();
            offsets[i] = d.offset();
            reasons[i] = d.reason();
        }
        try (PreparedStatement ps = c.prepareStatement(INSERT_DLQ)) {
            ps.setArray(1, c.createArrayOf("text", topics));
            ps.setArray(2, c.createArrayOf("int4", partitions));
            ps.setArray(3, c.createArrayOf("int8", offsets));
            ps.setArray(4, c.createArrayOf("text", reasons));
            ps.executeUpdate();
        }
    }

    /** Deletes usage event ids older than the retention, in chunks so no transaction grows large. */
    public long pruneUsageIds(LocalDate before, int chunk) throws SQLException {
        long total = 0;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        DELETE FROM usage_event_id WHERE ctid IN (
                            SELECT ctid FROM usage_event_id WHERE day < ?::date LIMIT ?)""")) {
            ps.setString(1, before.toString());
            ps.setInt(2, chunk);
            int n;
            do {
                n = ps.executeUpdate();
                total += n;
            } while (n == chunk);
        }
        return total;
    }

    private static <E> List<E> counted(Collection<E> events, Set<String> counted, Function<E, String> id) {
        List<E> out = new ArrayList<>(counted.size());
        for (E e : events) {
            if (counted.contains(id.apply(e))) {
                out.add(e);
            }
        }
        return out;
    }
}
