package dev.tally.rollup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.ShutdownEvent;

import dev.tally.events.KafkaReady;
import dev.tally.platform.KafkaClients;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.Ticker;

/**
 * The aggregator role: {@code tally.aggregator.consumers} members of the {@code tally-aggregator}
 * consumer group, each on its own thread. Starts when Kafka answers and the topics exist
 * ({@link KafkaReady}, in the background after start-up) and only when this instance runs the
 * aggregator role.
 */
@ApplicationScoped
public class Aggregator {

    private static final Logger LOG = Logger.getLogger(Aggregator.class);

    private final AggregatorConfig config;
    private final KafkaClients clients;
    private final RollupStore store;
    private final ObjectMapper mapper;
    private final AggregatorMetrics metrics;
    private final Roles roles;
    private final AggregatorPacing pacing;
    private final Ticker ticker;
    private final EventDecoder decoder = new EventDecoder();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<RollupConsumer> consumers = new ArrayList<>();
    private DeadLetterQueue dlq;
    /** Started or stopped through {@link #start()}/{@link #stop()}: Kafka's arrival no longer decides. */
    private boolean managedByCaller;

    public Aggregator(
            AggregatorConfig config,
            KafkaClients clients,
            RollupStore store,
            ObjectMapper mapper,
            AggregatorMetrics metrics,
            Roles roles,
            AggregatorPacing pacing,
            Ticker ticker) {
        this.config = config;
        this.clients = clients;
        this.store = store;
        this.mapper = mapper;
        this.metrics = metrics;
        this.roles = roles;
        this.pacing = pacing;
        this.ticker = ticker;
    }

    /** Once Kafka answers and the topics exist, unless a caller has started or stopped it by hand already. */
    synchronized void onKafkaReady(@Observes KafkaReady ready) {
        if (roles.has(Role.AGGREGATOR) && !managedByCaller) {
            startConsumers();
        }
    }

    void onStop(@Observes ShutdownEvent ev) {
        stop();
        closeDlq();
    }

    /** Starts this instance's consumers (no-op when they run). */
    public synchronized void start() {
        managedByCaller = true;
        startConsumers();
    }

    private void startConsumers() {
        if (!consumers.isEmpty()) {
            return;
        }
        for (int i = 0; i < config.consumers(); i++) {
            consumers.add(newConsumer().start());
        }
        LOG.infof("aggregator started: %d consumer(s) in group %s", consumers.size(), config.groupId());
    }

    /** Stops the consumers; each finishes (commits or rolls back) the batch in hand, then leaves the group. */
    public synchronized void stop() {
        managedByCaller = true;
        consumers.forEach(RollupConsumer::close);
        consumers.clear();
    }

    public synchronized boolean running() {
        return !consumers.isEmpty();
    }

    /**
     * A further member of the group with this instance's settings, not yet started; the caller
     * starts and closes it. Two of them behave as two aggregator instances would.
     */
    public synchronized RollupConsumer newConsumer() {
        return newConsumer(decoder);
    }

    /** {@link #newConsumer()} with another decoder: for tests that make the decoder fail. */
    synchronized RollupConsumer newConsumer(EventDecoder decoder) {
        String name = ids.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 100_000, 36);
        return new RollupConsumer(
                name,
                clients.common("tally-aggregator-" + name),
                config,
                store,
                decoder,
                dlq(),
                metrics,
                pacing,
                ticker);
    }

    public synchronized List<RollupConsumer> consumers() {
        return List.copyOf(consumers);
    }

    /** When this instance last committed a batch. */
    public synchronized Optional<Instant> lastBatchAt() {
        return consumers.stream()
                .map(RollupConsumer::lastBatchAt)
                .filter(Objects::nonNull)
                .max(Instant::compareTo);
    }

    private synchronized DeadLetterQueue dlq() {
        if (dlq == null) {
            dlq = new DeadLetterQueue(clients.common("tally-aggregator-dlq"), mapper);
        }
        return dlq;
    }

    private synchronized void closeDlq() {
        if (dlq != null) {
            dlq.close();
            dlq = null;
        }
    }
}
