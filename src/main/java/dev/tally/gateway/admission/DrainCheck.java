package dev.tally.gateway.admission;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;

import dev.tally.platform.Ticker;

/**
 * While the instance stops, new model calls are refused with 503 {@code shutting_down}, so the calls
 * already in flight can finish before it exits. Quarkus' graceful shutdown waits for them (up to
 * {@code quarkus.shutdown.timeout}) before anything stops, the event publisher included; without
 * this refusal a gateway that keeps receiving calls would never reach zero calls in flight and
 * would be cut off at the timeout, streams and all.
 *
 * <p>The shutdown begins with {@link ShutdownDelayInitiatedEvent} (Quarkus fires it as the process is
 * asked to stop, readiness turns DOWN at the same moment). Calls are still admitted for {@code
 * quarkus.shutdown.delay} (none by default), which gives a load balancer the time to see readiness
 * DOWN and send new calls elsewhere; after it they are refused. The SDKs and Claude Code retry a 503,
 * on a new connection (every response after the shutdown began says {@code Connection: close}), which
 * a load balancer sends to another instance. Runs after the key, so a known key's refusal is
 * recorded under it.
 */
@Singleton
public class DrainCheck implements AdmissionCheck {

    private final Ticker ticker;
    private final long delayNanos;
    private volatile boolean stopping;
    private volatile long refuseFromNanos;

    public DrainCheck(Ticker ticker, @ConfigProperty(name = "quarkus.shutdown.delay") Optional<Duration> delay) {
        this.ticker = ticker;
        this.delayNanos = delay.map(Duration::toNanos).orElse(0L);
    }

    void onShutdownBegins(@Observes ShutdownDelayInitiatedEvent event) {
        begin();
    }

    /** The instance is stopping: refuse new calls once the shutdown delay has passed. */
    public void begin() {
        refuseFromNanos = ticker.nanoTime() + delayNanos;
        stopping = true;
    }

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    @Override
    public int order() {
        return 110;
    }

    @Override
    public Refusal check(PendingCall call) {
        if (!stopping || ticker.nanoTime() - refuseFromNanos < 0) {
            return PASS;
        }
        return Refusal.of(
                RefusalReason.SHUTTING_DOWN,
                "this Tally gateway instance is stopping: retry the call, another instance will answer it");
    }
}
