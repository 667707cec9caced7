package dev.tally.dashboard.delivery;

import java.time.LocalDate;

/**
 * One week of the trend (seven days {@code from..to}): the share of people who used AI, and what was
 * delivered.
 *
 * @param people         the scope's members at any time in the week and anyone else who made calls for it
 *                       in the week, so never fewer than {@code aiUsers}
 * @param aiUsers        people with at least one gateway call in the week
 * @param authors        people who authored at least one merged PR in the week
 * @param prsPerAuthor   merged PRs per author: throughput per active engineer
 * @param cycleMedian    median cycle time of the week's merged PRs, hours
 */
public record TrendWeek(
        LocalDate from,
        LocalDate to,
        int people,
        int aiUsers,
        Double aiSharePercent,
        int prs,
        int prsAi,
        int authors,
        Double prsPerAuthor,
        Figure cycleMedian) {}
