package dev.tally.events;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The publisher's Kafka producers, both idempotent with {@code acks=all}; they differ in how long
 * a send may take before it counts as failed.
 */
final class EventProducers {

    /**
     * How long the replay lets one producer retry a batch. Within one idempotent producer the broker
     * drops a retried batch it already has; a batch that fails is sent again by a fresh producer,
     * which the broker cannot dedupe. So a slow broker (just started, on a loaded machine) must not
     * fail the batch: only an outage longer than this makes the replay send an event twice.
     */
    static final Duration REPLAY_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    /**
     * The direct producer's linger. At a low call rate it sets how often the producer and the broker
     * wake: 100 ms instead of 20 took about 1 ms off the gateway's p99 at 200 req/s
     * (docs/benchmarks.md); 0.1 s more before an event reaches Kafka is of no consequence to minute
     * rollups or to budgets refreshed every second or two.
     */
    static final int DIRECT_LINGER_MS = 100;

    /**
     * The replay sends a batch and then waits for all of its acknowledgements, so a batch's tail waits
     * out the linger: it keeps the shorter one it always had.
     */
    static final int REPLAY_LINGER_MS = 20;

    private final Map<String, Object> base;
    private final Duration deliveryTimeout;

    /**
     * @param base Kafka client properties (bootstrap servers, security): start from
     *        {@code KafkaClients.common(...)}; acks, idempotence, serializers and timeouts are set here
     */
    EventProducers(Map<String, Object> base, Duration deliveryTimeout) {
        this.base = new HashMap<>(base);
        this.deliveryTimeout = deliveryTimeout;
    }

    /** Direct sends: a failed send surfaces within the delivery timeout, so its event reaches the spool quickly. */
    Producer<String, byte[]> direct() {
        long delivery = deliveryTimeout.toMillis();
        return create(null, delivery, Math.min(delivery, 5_000), DIRECT_LINGER_MS);
    }

    /** Replays the spool; a distinct client id, since two producers with one client id clash in JMX. */
    Producer<String, byte[]> replay() {
        long delivery = Math.max(deliveryTimeout.toMillis(), REPLAY_DELIVERY_TIMEOUT.toMillis());
        return create("-replay", delivery, delivery, REPLAY_LINGER_MS);
    }

    /** How long the replay waits for a batch's acknowledgements. */
    Duration replayAckWait() {
        return Duration.ofMillis(Math.max(deliveryTimeout.toMillis(), REPLAY_DELIVERY_TIMEOUT.toMillis()) + 5_000);
    }

    private Producer<String, byte[]> create(String clientIdSuffix, long delivery, long maxBlock, int linger) {
        Map<String, Object> props = new HashMap<>(base);
        if (clientIdSuffix != null && props.get(ProducerConfig.CLIENT_ID_CONFIG) != null) {
            props.put(ProducerConfig.CLIENT_ID_CONFIG, props.get(ProducerConfig.CLIENT_ID_CONFIG) + clientIdSuffix);
        }
        long request = Math.max(500, deliveryTimeout.toMillis() / 2);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // Large batches: under load one produce request carries a few hundred usage events instead of
        // ~20 (16 KB default), which cut the gateway's CPU per call by about a tenth on the bench
        // (override for both producers: TALLY_KAFKA_CLIENT_LINGER_MS).
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, linger);
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(delivery, request + 100));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlock);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(props);
    }
}
