package dev.tally.rollup;

/** A message the aggregator cannot count; its message is the reason recorded with the DLQ entry. */
public class InvalidEventException extends Exception {

    public InvalidEventException(String reason) {
        super(reason, null, false, false);
    }
}
