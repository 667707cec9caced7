package dev.tally.gateway.admission;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;

import dev.tally.gateway.CallsInFlight;
import dev.tally.gateway.GatewayConfig;
import dev.tally.platform.Ticker;

/**
 * How a gateway stops without cutting its calls. Quarkus fires {@link ShutdownDelayInitiatedEvent}
 * as the process is asked to stop (SIGTERM), before it stops anything; from then readiness is DOWN
 * ({@link Ready}), new calls are still admitted for {@code tally.gateway.drain-delay} (none by
 * default: for a load balancer that notices readiness late), and after it refused with 503
 * {@code shutting_down} in the caller's format, with {@code Connection: close}, which the SDKs and
 * Claude Code retry on a new connection that a load balancer gives another instance. The observer
 * returns once every call in flight has ended and handed its usage event to the publisher, or after
 * {@code tally.gateway.drain-timeout}; only then does Quarkus go on to stop the publisher and the
 * HTTP server. Without the refusal a gateway under steady traffic would never run out of calls in
 * flight.
 *
 * <p>Not Quarkus' own graceful shutdown ({@code quarkus.shutdown.timeout}): its request filter wraps
 * every HTTP request, and with it the gateway added 0.29–0.31 ms to the p50 at 200 req/s against
 * 0.12–0.26 ms without (alternating bench runs, docs/benchmarks.md), at issue 16's +0.3 ms bound.
 * This counts only the gateway's calls ({@link CallsInFlight}, a {@code LongAdder}).
 */
@Singleton
public class DrainCheck implements AdmissionCheck {

    private static final Logger LOG = Logger.getLogger(DrainCheck.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final Ticker ticker;
    private final CallsInFlight inFlight;
    private final long delayNanos;
    private final long timeoutNanos;
    private volatile boolean stopping;
    private volatile long refuseFromNanos;

    @Inject
    public DrainCheck(Ticker ticker, CallsInFlight inFlight, GatewayConfig config) {
        this(ticker, inFlight, config.drainDelay(), config.drainTimeout());
    }

    DrainCheck(Ticker ticker, CallsInFlight inFlight, Duration delay, Duration timeout) {
        this.ticker = ticker;
        this.inFlight = inFlight;
        this.delayNanos = delay.toNanos();
        this.timeoutNanos = timeout.toNanos();
    }

    void onShutdownBegins(@Observes ShutdownDelayInitiatedEvent event) {
        begin();
        awaitCallsInFlight();
    }

    /** The instance is stopping: readiness DOWN now, new calls refused once the delay has passed. */
    public void begin() {
        refuseFromNanos = ticker.nanoTime() + delayNanos;
        stopping = true;
    }

    /**
     * Waits out the delay, then until no call is in flight or the timeout has passed; returns the
     * calls still in flight (0 when drained).
     */
    long awaitCallsInFlight() {
        long deadline = refuseFromNanos + timeoutNanos;
        long calls = inFlight.count();
        if (calls > 0 || delayNanos > 0) {
            LOG.infof(
                    "stopping: %d gateway calls in flight; new calls are refused with 503 %s",
                    calls, delayNanos > 0 ? "after " + Duration.ofNanos(delayNanos) : "from now");
        }
        while (ticker.nanoTime() - refuseFromNanos < 0
                || (calls = inFlight.count()) > 0 && ticker.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(POLL_NANOS);
        }
        if (calls > 0) {
            LOG.warnf(
                    "stopping: %d gateway calls still in flight after %s (tally.gateway.drain-timeout): they are cut",
                    calls, Duration.ofNanos(timeoutNanos));
        }
        return calls;
    }

    /** Readiness, DOWN from the moment the stop begins ({@link Ready}). */
    HealthCheckResponse readiness() {
        var r = HealthCheckResponse.named("Gateway");
        return stopping
                ? r.down()
                        .withData("stopping", "new calls refused; calls in flight: " + inFlight.count())
                        .build()
                : r.up().build();
    }

    /**
     * The readiness check (a bean of its own: a {@code @Readiness} bean is not a default bean, and
     * admission finds its checks as default beans).
     */
    @Singleton
    @Readiness
    static class Ready implements HealthCheck {

        private final DrainCheck drain;

        Ready(DrainCheck drain) {
            this.drain = drain;
        }

        @Override
        public HealthCheckResponse call() {
            return drain.readiness();
        }
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
