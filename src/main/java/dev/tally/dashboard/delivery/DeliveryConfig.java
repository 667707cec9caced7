package dev.tally.dashboard.delivery;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Delivery metrics ({@code tally.delivery.*}): what counts as a hotfix, how much data is enough, cohort cut-offs. */
@ConfigMapping(prefix = "tally.delivery")
public interface DeliveryConfig {

    /**
     * PR labels (case-insensitive) that mark a hotfix: such a PR, merged later, hot-fixes the pull
     * requests its description names ({@code #123}, {@code owner/repo#123} or a PR link).
     */
    @WithDefault("hotfix")
    List<String> hotfixLabels();

    /**
     * The fewest PRs (or engineers, for a cohort) in each group for a figure to count as a result:
     * below it the pages say "not enough data" and no interval or comparison is given.
     */
    @WithDefault("10")
    int minSample();

    /** Gateway calls per week from which a person is a light AI user (below: none). */
    @WithDefault("1")
    int lightFromCallsPerWeek();

    /** Gateway calls per week from which a person is a moderate AI user. */
    @WithDefault("50")
    int moderateFromCallsPerWeek();

    /** Gateway calls per week from which a person is a heavy AI user. */
    @WithDefault("250")
    int heavyFromCallsPerWeek();

    /** Weeks the trend shows: seven-day windows counted back from the last day of the period shown. */
    @WithDefault("12")
    int trendWeeks();
}
