package dev.tally.rollup;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.tally.events.PrFacts;

/**
 * A validated outcome event; {@code pr} only on a merged pull request that carried its facts;
 * {@code workload}: the workload that produced it, or null.
 */
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
        PrFacts pr,
        String workload) {

    /** An outcome without pull request facts that no workload produced (or that does not say). */
    public OutcomeEvent(
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
            BigDecimal valueHours) {
        this(
                id,
                kind,
                teamId,
                employeeId,
                aiAssisted,
                attribution,
                source,
                ref,
                occurredAt,
                severity,
                valueHours,
                null,
                null);
    }
}
