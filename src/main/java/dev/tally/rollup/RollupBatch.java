package dev.tally.rollup;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;

/**
 * What one poll produced: the valid events (a repeated id inside the batch is kept once), the dead
 * letters, and for every partition the offset to continue from. Applied in one transaction
 * ({@link RollupStore#apply}); public so test fixtures write rollups exactly the way the aggregator does.
 */
public final class RollupBatch {

    final Map<String, UsageEvent> usage = new LinkedHashMap<>();
    final Map<String, OutcomeEvent> outcomes = new LinkedHashMap<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    int records;
    int repeatedInBatch;

    public void add(UsageEvent e) {
        if (usage.putIfAbsent(e.id(), e) != null) {
            repeatedInBatch++;
        }
    }

    public void add(OutcomeEvent e) {
        if (outcomes.putIfAbsent(e.id(), e) != null) {
            repeatedInBatch++;
        }
    }

    public void consumed(TopicPartition tp, long offset) {
        records++;
        nextOffsets.merge(tp, offset + 1, Math::max);
    }

    boolean isEmpty() {
        return nextOffsets.isEmpty();
    }
}
