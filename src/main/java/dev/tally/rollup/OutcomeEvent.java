package dev.tally.rollup;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A validated outcome event. */
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
        BigDecimal valueHours) {
}
