package dev.tally.outcomes.sarif;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One SARIF result as read, before Tally decides how to identify it (see {@link FindingIdentity}).
 *
 * @param path          the first physical location's file, normalised (see {@link SarifPaths}); null when absent
 * @param region        {@code startLine[:startColumn][-endLine[:endColumn]]}, or {@code char:offset+length}; "" for a whole file
 * @param snippetHash   SHA-256 prefix of the region's snippet text, when the tool gives one
 * @param locationNote  SHA-256 prefix of the location's own message (Trivy and Grype name the package there)
 * @param messageHash   SHA-256 prefix of the result's message text
 * @param fingerprints  {@code fingerprints}, sorted by name (empty when absent)
 * @param partial       {@code partialFingerprints}, sorted by name (empty when absent)
 * @param suppressed    whether a suppression that is accepted or under review applies
 * @param baselineState the tool's {@code baselineState} (new, unchanged, updated, absent), or null
 * @param kind          the result's {@code kind} (default {@code fail})
 */
public record SarifResult(
        String tool,
        String ruleId,
        String severity,
        String path,
        String region,
        String snippetHash,
        String locationNote,
        String messageHash,
        Map<String, String> fingerprints,
        Map<String, String> partial,
        boolean suppressed,
        String baselineState,
        String kind,
        Integer startLine,
        Instant scannedAt) {

    public SarifResult {
        fingerprints = new TreeMap<>(fingerprints);
        partial = new TreeMap<>(partial);
    }

    /** {@code path:line} for people (the event's ref), or the path, or null. */
    public String displayLocation() {
        if (path == null) {
            return null;
        }
        return startLine == null ? path : path + ":" + startLine;
    }
}
