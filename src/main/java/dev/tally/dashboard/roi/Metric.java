package dev.tally.dashboard.roi;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every metric a dashboard panel, a report table or a CSV column can name. The YAML name is the
 * enum name in lower case ({@code cost_per_ai_pr}); adding a metric here makes it usable in
 * {@code dashboards/*.yaml} without touching a page.
 */
public enum Metric {
    SPEND("Spend", Unit.MONEY, m -> m.spendNanos(), true),
    VALUE("Value", Unit.MONEY, m -> m.valueNanos(), false),
    NET("Net return", Unit.MONEY, m -> m.netNanos(), false),
    ROI("ROI", Unit.MULTIPLE, Metrics::roiMultiple, false),
    REQUESTS("Requests", Unit.COUNT, m -> m.requests(), false),
    ERROR_REQUESTS("Failed requests", Unit.COUNT, m -> m.errorRequests(), true),
    TOKENS("Tokens", Unit.COUNT, Metrics::totalTokens, false),
    INPUT_TOKENS("Input tokens", Unit.COUNT, m -> m.inputTokens(), false),
    OUTPUT_TOKENS("Output tokens", Unit.COUNT, m -> m.outputTokens(), false),
    CACHE_READ_TOKENS("Cache-read tokens", Unit.COUNT, m -> m.cacheReadTokens(), false),
    CACHE_WRITE_TOKENS("Cache-write tokens", Unit.COUNT, m -> m.cacheWriteTokens(), false),
    REASONING_TOKENS("Reasoning tokens", Unit.COUNT, m -> m.reasoningTokens(), false),
    CACHE_READ_SHARE("Cache-read share", Unit.PERCENT, Metrics::cacheReadSharePercent, false),
    UNPRICED_REQUESTS("Unpriced requests", Unit.COUNT, m -> m.unpricedRequests(), true),
    UNPRICED_TOKENS("Unpriced tokens", Unit.COUNT, m -> m.unpricedTokens(), true),
    ACTIVE_USERS("Active users", Unit.COUNT, m -> m.activeUsers(), false),
    EMPLOYEES("Employees", Unit.COUNT, m -> m.employees(), false),
    ADOPTION("Adoption", Unit.PERCENT, Metrics::adoptionPercent, false),
    PRS_MERGED("PRs merged", Unit.COUNT, m -> m.prsMerged(), false),
    PRS_MERGED_AI("AI-assisted PRs", Unit.COUNT, m -> m.prsMergedAi(), false),
    PRS_MERGED_OTHER("PRs without AI", Unit.COUNT, m -> m.prsMerged() - m.prsMergedAi(), false),
    BUGS_CAUGHT("Bugs caught", Unit.COUNT, m -> m.bugsCaught(), false),
    SECURITY_FINDINGS("Security findings", Unit.COUNT, m -> m.securityFindings(), false),
    TASKS_AUTOMATED("Tasks automated", Unit.COUNT, m -> m.tasksAutomated(), false),
    COST_PER_AI_PR("Cost per AI-assisted PR", Unit.MONEY, Metrics::costPerAiPrNanos, true),
    BUGS_PER_1K("Bugs caught per $1k", Unit.DECIMAL, Metrics::bugsPer1k, false);

    public enum Unit {
        MONEY,
        COUNT,
        PERCENT,
        MULTIPLE,
        DECIMAL
    }

    private final String label;
    private final Unit unit;
    private final Function<Metrics, Object> extractor;
    private final boolean lowerIsBetter;

    Metric(String label, Unit unit, Function<Metrics, Object> extractor, boolean lowerIsBetter) {
        this.label = label;
        this.unit = unit;
        this.extractor = extractor;
        this.lowerIsBetter = lowerIsBetter;
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String label() {
        return label;
    }

    public Unit unit() {
        return unit;
    }

    /** Whether a rise is bad news (spend, cost per PR): the page colours the change accordingly. */
    public boolean lowerIsBetter() {
        return lowerIsBetter;
    }

    /** The raw value: Long (nanos or counts) or BigDecimal (ratios), or null for n/a. */
    public Object raw(Metrics m) {
        return extractor.apply(m);
    }

    /** The value as a number for charts and comparisons; null for n/a. */
    public BigDecimal number(Metrics m) {
        Object v = raw(m);
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal b) {
            return b;
        }
        long l = ((Number) v).longValue();
        return unit == Unit.MONEY ? BigDecimal.valueOf(l).movePointLeft(9) : BigDecimal.valueOf(l);
    }

    /** Percent change against the previous period; null where either side is n/a or previous is 0. */
    public BigDecimal change(Metrics current, Metrics previous) {
        return Metrics.changePercent(number(current), number(previous));
    }

    public static Optional<Metric> byKey(String key) {
        return Arrays.stream(values()).filter(m -> m.key().equals(key)).findFirst();
    }

    public static String keys() {
        return Arrays.stream(values()).map(Metric::key).collect(Collectors.joining(", "));
    }
}
