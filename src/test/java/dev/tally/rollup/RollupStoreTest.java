package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.CallOutcome;
import dev.tally.platform.TestStack;

/**
 * The store's transaction on its own, under a group id of its own so the running aggregator never
 * touches these offsets.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class RollupStoreTest {

    @Inject
    RollupStore store;

    @Inject
    DataSource dataSource;

    static UsageEvent call(UUID team, String id, long cost) {
        return event(id, Instant.parse("2026-11-06T10:15:00Z"), team, cost);
    }

    static UsageEvent event(String id, Instant time, UUID team, long cost) {
        return new UsageEvent(
                id,
                time,
                team,
                UUID.randomUUID(),
                UUID.randomUUID(),
                "openai",
                "gpt-4o",
                CallOutcome.OK,
                new long[] {10, 5, 0, 0, 0},
                true,
                cost);
    }

    @Test
    void aConsumerWhoseStoredOffsetMovedOnCannotCommitAndWritesNothing() throws Exception {
        String group = "store-test-" + UUID.randomUUID();
        TopicPartition tp = new TopicPartition("tally.usage.v1", 0);
        UUID team = UUID.randomUUID();

        RollupBatch first = new RollupBatch();
        first.add(call(team, UUID.randomUUID().toString(), 100));
        first.consumed(tp, 41);
        store.apply(group, first, Map.of());
        assertThat(store.offsets(group, List.of(tp))).containsEntry(tp, 42L);

        // the successor committed 42 -> 50; a stale consumer still believes the stored offset is absent or 42
        RollupBatch successor = new RollupBatch();
        successor.add(call(team, UUID.randomUUID().toString(), 10));
        successor.consumed(tp, 49);
        store.apply(group, successor, Map.of(tp, 42L));

        RollupBatch stale = new RollupBatch();
        stale.add(call(team, UUID.randomUUID().toString(), 1_000_000));
        stale.consumed(tp, 45);
        assertThatThrownBy(() -> store.apply(group, stale, Map.of(tp, 42L))).isInstanceOf(StaleOffsetsException.class);
        assertThatThrownBy(() -> store.apply(group, stale, Map.of())).isInstanceOf(StaleOffsetsException.class);

        RollupFixtures fx = new RollupFixtures(dataSource);
        try {
            assertThat(fx.usageTotals(team).get("requests")).isEqualTo(2);
            assertThat(fx.usageTotals(team).get("cost_nanos")).isEqualTo(110);
        } finally {
            fx.close();
        }
        assertThat(store.offsets(group, List.of(tp))).containsEntry(tp, 50L);
    }

    @Test
    void aRepeatedUsageIdInALaterBatchIsReportedAsARepeat() throws Exception {
        String group = "store-test-" + UUID.randomUUID();
        TopicPartition tp = new TopicPartition("tally.usage.v1", 1);
        UUID team = UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        RollupBatch a = new RollupBatch();
        a.add(call(team, id, 5));
        a.add(call(team, id, 5)); // within the batch
        a.consumed(tp, 0);
        a.consumed(tp, 1);
        BatchResult ra = store.apply(group, a, Map.of());
        assertThat(ra.usageCounted()).isEqualTo(1);
        assertThat(a.repeatedInBatch).isEqualTo(1);

        RollupBatch b = new RollupBatch();
        b.add(call(team, id, 5));
        b.consumed(tp, 2);
        BatchResult rb = store.apply(group, b, Map.of(tp, 2L));
        assertThat(rb.usageCounted()).isZero();
        assertThat(rb.usageRepeats()).isEqualTo(1);
    }

    @Test
    void usageIdsOlderThanTheRetentionArePruned() throws Exception {
        String group = "store-test-" + UUID.randomUUID();
        TopicPartition tp = new TopicPartition("tally.usage.v1", 2);
        UUID team = UUID.randomUUID();
        UUID oldId = UUID.randomUUID();
        UUID recentId = UUID.randomUUID();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        RollupBatch batch = new RollupBatch();
        batch.add(event(
                oldId.toString(),
                today.minusDays(400).atStartOfDay(ZoneOffset.UTC).toInstant(),
                team,
                1));
        batch.add(event(recentId.toString(), Instant.now(), team, 1));
        batch.consumed(tp, 0);
        store.apply(group, batch, Map.of());

        // Chunks of 1,000: the loop runs more than once when other tests' fixtures left old ids too
        // (the suite leaves about 20,000 in a table of 160,000; each chunk scans from the table's start,
        // so chunks of 100 took 10 s here; production deletes 10,000 at a time).
        store.pruneUsageIds(today.minusDays(35), 1_000);

        RollupFixtures fx = new RollupFixtures(dataSource);
        try {
            assertThat(fx.scalar("SELECT count(*) FROM usage_event_id WHERE id = ?", oldId))
                    .isZero();
            assertThat(fx.scalar("SELECT count(*) FROM usage_event_id WHERE id = ?", recentId))
                    .isEqualTo(1);
        } finally {
            fx.close();
        }
    }
}
