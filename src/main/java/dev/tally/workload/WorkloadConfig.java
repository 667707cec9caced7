package dev.tally.workload;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which workload names calls may carry (docs/workloads.md). */
@ConfigMapping(prefix = "tally.workloads")
public interface WorkloadConfig {

    /**
     * The allowed workload names, org-wide. Set: only these (and {@code interactive}) are accepted;
     * unset: any valid name, up to {@link #maxPerTeam()} per team.
     */
    Optional<List<String>> names();

    /** Distinct workload names one team may use when no names are configured (besides {@code interactive}). */
    @WithDefault("20")
    int maxPerTeam();

    /** How often each gateway reloads the names teams have used, which other instances may have added. */
    @WithDefault("30s")
    Duration refreshInterval();
}
