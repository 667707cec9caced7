package dev.tally.rollup;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A validated outcome event; {@code workload}: the workload that produced it, or null. */
public record OutcomeEvent(
        String id,
        String kind,
        UUID teamId,
        UUID employeeId,
        boolean aiAssisted,
        List<String> attribution,
        String source,
        String ref,
        Instant occurredAt,
        String severity,
        BigDecimal valueHours,
        String workload) {

    /** An outcome no workload produced (or that does not say). */
    public OutcomeEvent(String id, String kind, UUID teamId, UUID employeeId, boolean aiAssisted,
            List<String> attribution, String source, String ref, Instant occurredAt, String severity,
            BigDecimal valueHours) {
        this(id, kind, teamId, employeeId, aiAssisted, attribution, source, ref, occurredAt, severity, valueHours, null);
    }
}
