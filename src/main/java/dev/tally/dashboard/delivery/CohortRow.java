package dev.tally.dashboard.delivery;

/**
 * Throughput of one AI-usage cohort: the people of the scope who authored at least one merged PR in
 * the period, by their gateway calls per week, and the median of their merged PRs per week.
 *
 * @param engineers          people in the cohort (each authored at least one merged PR in the period)
 * @param prs                their merged PRs in the scope
 * @param prsPerEngineerWeek the median of each person's merged PRs per week, with its interval
 */
public record CohortRow(Cohort cohort, String range, int engineers, int prs, int prsAi, Figure prsPerEngineerWeek) {}
