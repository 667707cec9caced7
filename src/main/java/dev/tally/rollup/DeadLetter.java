package dev.tally.rollup;

/** A message the aggregator could not count, with where it came from and why. */
record DeadLetter(String topic, int partition, long offset, String key, long timestamp, byte[] value, String reason) {}
