package dev.tally.events;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The event publisher and its spool ({@code <tally.data-dir>/spool}). */
@ConfigMapping(prefix = "tally.events")
public interface EventsConfig {

    /** Events handed over but not yet sent or spooled; beyond this they are dropped and counted. */
    @WithDefault("100000")
    int queueCapacity();

    /** How long a send may go unacknowledged before Kafka counts as unreachable and events spool. */
    @WithDefault("15s")
    Duration deliveryTimeout();

    /** Pause between replay attempts while Kafka stays unreachable. */
    @WithDefault("1s")
    Duration retryBackoff();

    /** Events per replay batch: sent, then all acknowledged, before the spool moves on. */
    @WithDefault("500")
    int replayBatch();

    /** At stop, how long to wait for Kafka's acknowledgements before keeping the rest in the spool. */
    @WithDefault("5s")
    Duration shutdownTimeout();

    /**
     * Compression of the event batches sent to Kafka ({@code lz4}, {@code zstd}, {@code snappy},
     * {@code gzip}, {@code none}). Measured on the gateway bench with the in-process broker, {@code lz4}
     * and {@code none} cost the same CPU per call (within noise), so the default keeps {@code lz4}, which
     * sends several times fewer bytes to a remote cluster.
     */
    @WithDefault("lz4")
    String compression();

    /** The spool on disk. */
    Spool spool();

    interface Spool {
        /** Disk the spool may use; when full, new events are dropped (counted) and readiness goes DOWN. */
        @WithDefault("1G")
        MemorySize maxBytes();

        /** Size of one segment file; a segment is deleted once every event in it is acknowledged. */
        @WithDefault("16M")
        MemorySize segmentBytes();

        /** Fill ratio from which the health check and the log warn. */
        @WithDefault("0.5")
        double warnRatio();
    }
}
