package dev.tally.events;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness "Event spool": UP while events are kept (sent, or spooled while Kafka is away), with
 * the spool's depth and a warning as it fills; DOWN only when it is full and events are being lost.
 */
@Readiness
@ApplicationScoped
public class SpoolReadiness implements HealthCheck {

    private final SpoolingEventPublisher publisher;
    private final double warnRatio;

    @Inject
    public SpoolReadiness(SpoolingEventPublisher publisher, EventsConfig config) {
        this(publisher, config.spool().warnRatio());
    }

    SpoolReadiness(SpoolingEventPublisher publisher, double warnRatio) {
        this.publisher = publisher;
        this.warnRatio = warnRatio;
    }

    @Override
    public HealthCheckResponse call() {
        long bytes = publisher.spoolBytes();
        long max = publisher.spoolMaxBytes();
        double ratio = max == 0 ? 1 : (double) bytes / max;
        var b = HealthCheckResponse.named("Event spool")
                .withData("mode", publisher.mode().name().toLowerCase())
                .withData("records", publisher.spoolRecords())
                .withData("bytes", bytes)
                .withData("maxBytes", max)
                .withData("percentFull", Math.round(ratio * 1000) / 10.0 + "")
                .withData("dropped", publisher.dropped());
        if (publisher.awaitingKafka()) {
            b.withData("kafkaError", "Kafka has not answered since start");
        } else if (publisher.mode() == SpoolingEventPublisher.Mode.SPOOLING && publisher.lastError() != null) {
            b.withData("kafkaError", publisher.lastError());
        }
        if (publisher.spoolFull()) {
            return b.down()
                    .withData("warning", "spool full: new events are being lost until Kafka is back")
                    .build();
        }
        if (ratio >= warnRatio) {
            b.withData(
                    "warning", "spool " + Math.round(ratio * 100) + "% full: Kafka has been unreachable for a while");
        }
        return b.up().build();
    }
}
