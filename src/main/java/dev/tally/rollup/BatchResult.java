package dev.tally.rollup;

/** What a committed batch counted: new events, repeats skipped (already counted), dead letters. */
record BatchResult(int usageCounted, int usageRepeats, int outcomesCounted, int outcomeRepeats, int deadLetters) {}
