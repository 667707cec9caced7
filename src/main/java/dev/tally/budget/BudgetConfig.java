package dev.tally.budget;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of budgets, their enforcement in the gateway and their alerts. */
@ConfigMapping(prefix = "tally.budgets")
public interface BudgetConfig {

    /** How often each gateway reads the rolled-up spend and exchanges its share of block budgets with the others. */
    @WithDefault("1s")
    Duration refreshInterval();

    /** A gateway silent for longer than this no longer holds a share; its own share lapses after half of it. */
    @WithDefault("10s")
    Duration gatewayTimeout();

    /** Output tokens a call is estimated at when it sets no {@code max_tokens}. */
    @WithDefault("4096")
    long defaultOutputTokens();

    /** Request bytes per input token in a call's estimate (fewer bytes per token = a larger estimate). */
    @WithDefault("3")
    int bytesPerToken();

    /** How often alerts are evaluated against the rolled-up spend (on instances that run the aggregator). */
    @WithDefault("1s")
    Duration alertInterval();

    /** Percentage of a period that must have elapsed before its run rate is projected. */
    @WithDefault("25")
    int projectMinElapsedPercent();

    /** Hours of trailing spend a spike's baseline averages over (the current hour excluded). */
    @WithDefault("24")
    int spikeBaselineHours();

    /** An alert still not acknowledged by Kafka after this long is published again (same id). */
    @WithDefault("30s")
    Duration alertRepublishAfter();
}
