package dev.tally.identity;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the gateway's key cache. */
@ConfigMapping(prefix = "tally.identity")
public interface IdentityConfig {

    /** How often each gateway polls PostgreSQL for changed keys; a revocation is seen within about this long. */
    @WithDefault("1s")
    Duration keyRefreshInterval();

    /**
     * How far before the newest change already seen each poll looks again: a transaction that
     * committed late with an earlier timestamp is still picked up, as long as it took less than this.
     */
    @WithDefault("10s")
    Duration keyRefreshOverlap();

    /** A full reload of every key now and then, as a safety net under the incremental polls. */
    @WithDefault("10m")
    Duration keyFullReloadInterval();
}
