package dev.tally.rollup;

import java.time.Instant;
import java.util.List;

/**
 * The aggregator pipeline at one moment, for the operations page.
 *
 * @param takenAt          when this snapshot was taken (null: none yet)
 * @param kafkaReachable   false when the last refresh could not read the end offsets; lag is then stale
 * @param error            why the last refresh failed, or null
 * @param partitions       lag per partition of the usage and outcome topics
 * @param totalLag         sum of the partitions' lag
 * @param lastBatchAt      latest batch commit of any aggregator instance (from consumer_offset)
 * @param dlqTotal         dlq_entry rows in total
 * @param dlqLast24h       dlq_entry rows received in the last 24 hours
 * @param eventsPerSecond  records committed per second (all instances) between the last two refreshes
 */
public record PipelineSnapshot(
        Instant takenAt,
        boolean kafkaReachable,
        String error,
        List<PartitionLag> partitions,
        long totalLag,
        Instant lastBatchAt,
        long dlqTotal,
        long dlqLast24h,
        double eventsPerSecond) {

    /** Lag of one partition: end offset minus the stored next offset (from the start when none). */
    public record PartitionLag(String topic, int partition, long endOffset, Long nextOffset, long lag) {}

    static PipelineSnapshot empty() {
        return new PipelineSnapshot(null, false, "not refreshed yet", List.of(), 0, null, 0, 0, 0);
    }
}
