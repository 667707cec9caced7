package dev.tally.dashboard;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the dashboards and reports ({@code tally.dashboards.*}). */
@ConfigMapping(prefix = "tally.dashboards")
public interface DashboardConfig {

    /** Directory of the dashboard definitions (*.yaml), relative to the working directory; when it
     *  does not exist, the copies packaged in the application are used. */
    @WithDefault("dashboards")
    String dir();

    /** How often the directory is checked for changed files (a duration: 5s, 1m). */
    @WithDefault("5s")
    Duration reloadInterval();
}
