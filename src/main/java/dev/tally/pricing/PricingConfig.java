package dev.tally.pricing;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Pricing settings ({@code tally.pricing.*}). */
@ConfigMapping(prefix = "tally.pricing")
public interface PricingConfig {

    /** How often each instance re-reads admin price overrides from the database. */
    @WithDefault("2s")
    Duration refreshInterval();
}
