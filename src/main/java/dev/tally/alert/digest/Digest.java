package dev.tally.alert.digest;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import dev.tally.alert.channel.Notice;

/**
 * The weekly digest as the generic webhook receives it ({@code data} of a {@code dev.tally.digest.v1}
 * CloudEvent). Money is integer nano-dollars; {@code message} is the text Slack and e-mail show.
 *
 * @param weekStart Monday of the week reported, in the organisation's zone
 * @param weekEnd   its Sunday
 */
public record Digest(
        LocalDate weekStart,
        LocalDate weekEnd,
        long spendNanos,
        long previousSpendNanos,
        long valueNanos,
        List<TeamWeek> teams,
        List<BudgetLine> budgets,
        List<OpenAlert> openAlerts,
        Notice message) {

    /**
     * One team's week and the week before. {@code unpricedRequests}: the week's calls of models without a
     * price, whose cost is not in {@code spendNanos}.
     */
    public record TeamWeek(
            UUID teamId,
            String name,
            long spendNanos,
            long previousSpendNanos,
            long valueNanos,
            long previousValueNanos,
            long unpricedRequests) {}

    public record OpenAlert(String id, String kind, String scopeName, String title) {}
}
