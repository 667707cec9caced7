package dev.tally.events;

import java.nio.file.Path;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.producer.ProducerConfig;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tally.platform.KafkaClients;
import dev.tally.platform.TallyConfig;

/**
 * Makes the one {@link EventPublisher} bean (a {@link SpoolingEventPublisher} on
 * {@code <tally.data-dir>/spool}), its metrics, and its life: started with the application, so a
 * spool left by the last run is replayed once Kafka answers; stopped before the embedded broker is.
 */
@ApplicationScoped
public class EventPublishing {

    @Produces
    @Singleton
    SpoolingEventPublisher publisher(
            KafkaClients clients, TallyConfig tally, EventsConfig config, ObjectMapper mapper, MeterRegistry registry) {
        var options = new SpoolingEventPublisher.Options(
                config.queueCapacity(),
                config.spool().maxBytes().asLongValue(),
                config.spool().segmentBytes().asLongValue(),
                config.deliveryTimeout(),
                config.retryBackoff(),
                config.replayBatch(),
                config.shutdownTimeout());
        Map<String, Object> props = clients.common("tally-events");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.compression());
        SpoolingEventPublisher p = new SpoolingEventPublisher(
                        props, Path.of(tally.dataDir()).resolve("spool"), options, mapper)
                .startBeforeKafka();
        Gauge.builder("tally.events.spool.records", p, SpoolingEventPublisher::spoolRecords)
                .description("Events in the local spool, not yet acknowledged by Kafka")
                .register(registry);
        Gauge.builder("tally.events.spool.bytes", p, SpoolingEventPublisher::spoolBytes)
                .description("Bytes of the local spool not yet acknowledged")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("tally.events.spool.max.bytes", p, SpoolingEventPublisher::spoolMaxBytes)
                .description("Spool size limit")
                .baseUnit("bytes")
                .register(registry);
        Gauge.builder("tally.events.queue.depth", p, SpoolingEventPublisher::queueDepth)
                .description("Events handed over, not yet sent or spooled")
                .register(registry);
        Gauge.builder("tally.events.spooling", p, x -> x.mode() == SpoolingEventPublisher.Mode.SPOOLING ? 1 : 0)
                .description("1 while Kafka is unreachable and events go to the spool")
                .register(registry);
        FunctionCounter.builder("tally.events.dropped", p, SpoolingEventPublisher::dropped)
                .description("Events lost: queue or spool full, or refused by Kafka for good")
                .register(registry);
        FunctionCounter.builder("tally.events.spooled", p, SpoolingEventPublisher::spooled)
                .description("Events written to the spool")
                .register(registry);
        FunctionCounter.builder("tally.events.replayed", p, SpoolingEventPublisher::replayed)
                .description("Events replayed from the spool to Kafka")
                .register(registry);
        return p;
    }

    void close(@Disposes SpoolingEventPublisher p) {
        p.close();
    }

    /** Creating the bean opens the spool and starts its replay, whether or not anything publishes yet. */
    void onStart(@Observes StartupEvent ev, SpoolingEventPublisher p) {
        // nothing else: injecting it is what starts it
    }

    /** From here events go to Kafka directly; before, they spooled (see {@link KafkaStartup}). */
    void onKafkaReady(@Observes KafkaReady ready, SpoolingEventPublisher p) {
        p.kafkaAnswered();
    }

    /** Default priority: runs before the platform stops the embedded broker (which observes last). */
    void onStop(@Observes ShutdownEvent ev, SpoolingEventPublisher p) {
        p.close();
    }
}
