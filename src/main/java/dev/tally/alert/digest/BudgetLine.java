package dev.tally.alert.digest;

/**
 * One budget as the digest shows it: spend against the limit for the current period.
 *
 * @param name   what the budget covers, e.g. "Payments (team)"
 * @param period e.g. "December 2026"
 * @param state  ok, warning, downgrading or exceeded
 */
public record BudgetLine(
        String name, String period, long spentNanos, long limitNanos, Long projectedNanos, String state) {}
