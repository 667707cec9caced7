package dev.tally.events;

/** One event as kept in the spool: where it goes, its key, its id (for logs), and the JSON bytes. */
public record SpoolRecord(String topic, String key, String id, byte[] value) {}
