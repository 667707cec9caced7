package dev.tally.rollup;

/**
 * The stored offset of a partition is not the one this consumer started its batch from: another
 * consumer (after a rebalance this one has not seen yet) committed the partition meanwhile. The
 * batch is rolled back whole, so nothing it read is counted twice.
 */
public class StaleOffsetsException extends RuntimeException {

    public StaleOffsetsException(String message) {
        super(message);
    }
}
