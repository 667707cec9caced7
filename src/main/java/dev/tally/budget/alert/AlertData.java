package dev.tally.budget.alert;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.tally.budget.BudgetMode;
import dev.tally.budget.Period;
import dev.tally.budget.Scope;

/**
 * The data of a {@code dev.tally.alert.v1} event: the DESIGN.md fields, plus what a delivery channel
 * needs to write its message without a lookup ({@code scopeName}, {@code budgetName}, {@code mode},
 * {@code channelIds} to deliver to, {@code link}: the team page's URL path, or the budgets page).
 * Instants in UTC (ISO-8601); money in nano-dollars; {@code threshold} in percent (null for a spike). Only for a
 * spike: {@code keyId} (the key that spiked; null when a person's keys together did), {@code employeeId} and
 * {@code employeeName} (that key's person, or the person whose keys together spiked; null for a service key),
 * {@code keyPrefix} (the key's display prefix, {@code tly_ab12}; null when a person's keys together did).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record AlertData(
        AlertKind kind,
        Scope scope,
        String scopeId,
        String scopeName,
        UUID budgetId,
        String budgetName,
        BudgetMode mode,
        Period period,
        Instant periodStart,
        Instant periodEnd,
        Integer threshold,
        long spentNanos,
        long limitNanos,
        Long projectedNanos,
        Instant projectedExhaustedAt,
        UUID keyId,
        UUID employeeId,
        String employeeName,
        Long spikeHourNanos,
        Long spikeBaselineNanos,
        Instant at,
        List<UUID> channelIds,
        String link,
        String keyPrefix) {}
