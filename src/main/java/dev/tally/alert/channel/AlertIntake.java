package dev.tally.alert.channel;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;

import dev.tally.events.KafkaReady;
import dev.tally.events.Topics;
import dev.tally.platform.KafkaClients;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;

/**
 * Reads {@code tally.alerts.v1} on instances with the aggregator role, once Kafka answers: one
 * {@link AlertConsumer} of its own group, apart from the aggregator's, so alerts never wait behind
 * usage events and a slow delivery never holds the rollups.
 */
@ApplicationScoped
public class AlertIntake {

    private static final Logger LOG = Logger.getLogger(AlertIntake.class);

    private final AlertConfig config;
    private final KafkaClients clients;
    private final DeliveryStore store;
    private final AlertDeliveries deliveries;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final Roles roles;
    private final AtomicInteger ids = new AtomicInteger();
    private AlertConsumer consumer;

    public AlertIntake(
            AlertConfig config,
            KafkaClients clients,
            DeliveryStore store,
            AlertDeliveries deliveries,
            ObjectMapper mapper,
            Clock clock,
            Roles roles) {
        this.config = config;
        this.clients = clients;
        this.store = store;
        this.deliveries = deliveries;
        this.mapper = mapper;
        this.clock = clock;
        this.roles = roles;
    }

    synchronized void onKafkaReady(@Observes KafkaReady ready) {
        if (roles.has(Role.AGGREGATOR)) {
            start();
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        stop();
    }

    /** Starts this instance's consumer (no-op when it runs). */
    public synchronized void start() {
        if (consumer == null) {
            consumer = newConsumer().start();
            LOG.infof("alert intake started: group %s on %s", config.groupId(), Topics.ALERTS);
        }
    }

    /** Stops the consumer; it finishes the batch in hand and leaves the group. */
    public synchronized void stop() {
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }

    /** A further member of the group, not started: two of them behave as two instances would. */
    public AlertConsumer newConsumer() {
        String name = ids.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100_000, 36);
        return new AlertConsumer(
                name, clients.common("tally-alerts-" + name), config, store, deliveries, mapper, clock);
    }
}
