package dev.tally.dashboard.roi;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The leadership metrics of one scope (org, department, team, employee or model) over one period.
 * Money is integer nano-dollars; derived ratios are computed here, once, so the pages, JSON and
 * CSV agree. A ratio whose denominator is zero is {@code null} ("n/a"), never 0 or infinity.
 */
public record Metrics(
        long spendNanos,
        long requests,
        long errorRequests,
        long inputTokens,
        long outputTokens,
        long cacheReadTokens,
        long cacheWriteTokens,
        long reasoningTokens,
        long unpricedRequests,
        long unpricedTokens,
        long activeUsers,
        long employees,
        long prsMerged,
        long prsMergedAi,
        long bugsCaught,
        long securityFindings,
        long tasksAutomated,
        long valueNanos) {

    public static final Metrics ZERO = new Metrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Sum of two scopes; active users and employees add up because the scopes are disjoint. */
    public Metrics plus(Metrics o) {
        return new Metrics(
                spendNanos + o.spendNanos,
                requests + o.requests,
                errorRequests + o.errorRequests,
                inputTokens + o.inputTokens,
                outputTokens + o.outputTokens,
                cacheReadTokens + o.cacheReadTokens,
                cacheWriteTokens + o.cacheWriteTokens,
                reasoningTokens + o.reasoningTokens,
                unpricedRequests + o.unpricedRequests,
                unpricedTokens + o.unpricedTokens,
                activeUsers + o.activeUsers,
                employees + o.employees,
                prsMerged + o.prsMerged,
                prsMergedAi + o.prsMergedAi,
                bugsCaught + o.bugsCaught,
                securityFindings + o.securityFindings,
                tasksAutomated + o.tasksAutomated,
                RoiModel.addValues(valueNanos, o.valueNanos));
    }

    /**
     * The same with {@code active} active users of {@code people}: for a sum of scopes that share people
     * (a person who moved teams is active for both, and a member of one), whose distinct counts are not
     * the sums.
     */
    public Metrics withPeople(long active, long people) {
        return new Metrics(
                spendNanos,
                requests,
                errorRequests,
                inputTokens,
                outputTokens,
                cacheReadTokens,
                cacheWriteTokens,
                reasoningTokens,
                unpricedRequests,
                unpricedTokens,
                active,
                people,
                prsMerged,
                prsMergedAi,
                bugsCaught,
                securityFindings,
                tasksAutomated,
                valueNanos);
    }

    /** Input, output, cache read, cache write and reasoning tokens, each counted once. */
    public long totalTokens() {
        return inputTokens + outputTokens + cacheReadTokens + cacheWriteTokens + reasoningTokens;
    }

    /** Value ÷ spend, two decimals; null without priced spend. */
    public BigDecimal roiMultiple() {
        return spendNanos <= 0
                ? null
                : BigDecimal.valueOf(valueNanos).divide(BigDecimal.valueOf(spendNanos), 2, RoundingMode.HALF_UP);
    }

    /**
     * Whether spend holds every call. False when some calls used a model without a price: their cost is
     * unknown, never $0, so spend is then a lower bound and ROI, net return and bugs per $1k are upper
     * bounds, cost per AI-assisted PR a lower bound.
     */
    public boolean spendComplete() {
        return unpricedRequests == 0;
    }

    /** Value above priced spend (value > spend > 0), whether or not some calls are unpriced. */
    public boolean beatsPricedSpend() {
        return spendNanos > 0 && valueNanos > spendNanos;
    }

    /** Whether the scope returned more than it spent: value above spend, and no call unpriced. */
    public boolean paysOff() {
        return beatsPricedSpend() && spendComplete();
    }

    /**
     * Value above priced spend, but some calls are unpriced: whether it returns more than it spends
     * depends on what those calls cost, which nobody has priced.
     */
    public boolean mayPayOff() {
        return beatsPricedSpend() && !spendComplete();
    }

    /** Net return (value − spend), nano-dollars. */
    public long netNanos() {
        return valueNanos - spendNanos;
    }

    /** Spend per AI-assisted merged PR, nano-dollars rounded half-up; null without such PRs. */
    public Long costPerAiPrNanos() {
        if (prsMergedAi == 0) {
            return null;
        }
        return BigDecimal.valueOf(spendNanos)
                .divide(BigDecimal.valueOf(prsMergedAi), 0, RoundingMode.HALF_UP)
                .longValueExact();
    }

    /** Bugs caught per $1,000 of spend, one decimal; null without priced spend. */
    public BigDecimal bugsPer1k() {
        if (spendNanos <= 0) {
            return null;
        }
        return BigDecimal.valueOf(bugsCaught)
                .multiply(BigDecimal.valueOf(1000 * RoiModel.NANOS_PER_USD))
                .divide(BigDecimal.valueOf(spendNanos), 1, RoundingMode.HALF_UP);
    }

    /** Active users ÷ employees, percent with one decimal; null for a scope without employees. */
    public BigDecimal adoptionPercent() {
        if (employees == 0) {
            return null;
        }
        return BigDecimal.valueOf(activeUsers * 100).divide(BigDecimal.valueOf(employees), 1, RoundingMode.HALF_UP);
    }

    /** Cache reads as a percent of all input-side tokens (input + cache read + cache write). */
    public BigDecimal cacheReadSharePercent() {
        long inputSide = inputTokens + cacheReadTokens + cacheWriteTokens;
        if (inputSide == 0) {
            return null;
        }
        return BigDecimal.valueOf(cacheReadTokens * 100).divide(BigDecimal.valueOf(inputSide), 1, RoundingMode.HALF_UP);
    }

    /** Percent change from {@code previous} to {@code current}, one decimal; null when previous is 0. */
    public static BigDecimal changePercent(BigDecimal current, BigDecimal previous) {
        if (current == null || previous == null || previous.signum() == 0) {
            return null;
        }
        return current.subtract(previous)
                .multiply(BigDecimal.valueOf(100))
                .divide(previous.abs(), 1, RoundingMode.HALF_UP);
    }

    public static BigDecimal changePercent(long current, long previous) {
        return changePercent(BigDecimal.valueOf(current), BigDecimal.valueOf(previous));
    }
}
