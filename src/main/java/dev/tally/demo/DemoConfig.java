package dev.tally.demo;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The demo ({@code tally.demo.*}): an example org with simulated traffic, labelled as demo everywhere. */
@ConfigMapping(prefix = "tally.demo")
public interface DemoConfig {

    /** Seed the demo org and drive simulated traffic (env TALLY_DEMO_ENABLED). */
    @WithDefault("false")
    boolean enabled();

    /** Days of history published at first start so trends show. */
    @WithDefault("90")
    int historyDays();

    /** Pause between two live gateway calls of the traffic driver. */
    @WithDefault("400ms")
    Duration callInterval();

    /** Pause between two batches of live synthetic outcomes. */
    @WithDefault("5s")
    Duration outcomeInterval();

    /** How many times faster than a real working day live outcomes arrive, so the pages move while watched. */
    @WithDefault("100")
    double liveSpeedup();

    /** Base URL of the gateway and admin API the demo drives; default this instance on localhost. */
    Optional<String> baseUrl();
}
