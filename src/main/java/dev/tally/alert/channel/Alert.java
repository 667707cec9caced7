package dev.tally.alert.channel;

import java.time.Instant;
import java.util.UUID;

/**
 * One alert as stored (table {@code alert}): the fields of a {@code dev.tally.alert.v1} event that the
 * messages and pages show, and the event itself as received.
 *
 * @param link  the team page's path, e.g. {@code /teams/<id>}
 * @param event the CloudEvent JSON, sent unchanged as the generic webhook's body
 */
public record Alert(
        String id,
        AlertKind kind,
        String scope,
        String scopeId,
        String scopeName,
        UUID budgetId,
        Integer threshold,
        Long spentNanos,
        Long limitNanos,
        Long projectedNanos,
        Instant projectedExhaustedAt,
        Instant periodStart,
        Instant periodEnd,
        String link,
        Instant at,
        String event) {}
