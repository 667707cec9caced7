package dev.tally.platform;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * When this JVM's gateway last took a call. Roles that share the JVM with the gateway read it to
 * yield the CPU while the gateway is busy (the aggregator's pacing, see docs/aggregation.md). The
 * gateway writes it on every call, so it is one volatile store and nothing more.
 */
@Singleton // no client proxy: called on every gateway request
public class GatewayActivity {

    private final Ticker ticker;
    private volatile long lastCallNanos;
    private volatile boolean anyCall;

    @Inject
    public GatewayActivity(Ticker ticker) {
        this.ticker = ticker;
    }

    /** A call reached the gateway (any call: proxied, refused or a model listing). */
    public void callStarted() {
        lastCallNanos = ticker.nanoTime();
        if (!anyCall) {
            anyCall = true;
        }
    }

    /** Whether a call reached the gateway within the last {@code window}. */
    public boolean busyWithin(Duration window) {
        return anyCall && ticker.nanoTime() - lastCallNanos < window.toNanos();
    }
}
