package dev.tally.outcomes.sarif;

import java.time.Instant;

/**
 * One SARIF result as Tally counts it. {@code key} is stable across uploads of the same scan: the
 * result's {@code fingerprints} or {@code partialFingerprints}, else rule + file + line.
 */
public record SarifFinding(String tool, String ruleId, String severity, String key, String location, Instant scannedAt) {
}
