package dev.tally.events;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.tally.platform.KafkaClients;
import dev.tally.platform.Roles;
import dev.tally.platform.StartGate;
import dev.tally.platform.StartupException;
import dev.tally.platform.StartupPhases;
import dev.tally.platform.StartupPhases.Phase;
import dev.tally.platform.StartupReport;
import dev.tally.platform.TallyConfig;

/**
 * Kafka at start, off the start-up path: a background thread waits until the cluster answers,
 * applies {@code kafka/topics.conf} and fires {@link KafkaReady}, which starts the aggregator's
 * consumers and lets the publisher send directly (until then its events spool). Nothing else
 * waits for Kafka: the HTTP server, the gateway and the dashboards start at once, and readiness
 * waits for this on every role but a gateway-only one ({@link KafkaReadiness}).
 *
 * <p>An instance that needs Kafka ({@link Roles#waitForKafka()}) and cannot set its topics up within
 * {@code TALLY_STARTUP_WAIT_SECONDS} of an external cluster stops, naming the address, as it did
 * when this ran before Quarkus; the embedded broker is waited for however long it takes (its own
 * failure stops the process). A gateway-only instance keeps trying for as long as it runs.
 */
@ApplicationScoped
public class KafkaStartup {

    private static final Logger LOG = Logger.getLogger(KafkaStartup.class);

    /** Per attempt: how long one try waits for the cluster to answer. */
    static final Duration ATTEMPT = Duration.ofSeconds(5);
    /** Pause between attempts while Kafka does not answer. */
    static final Duration BACKOFF = Duration.ofSeconds(1);

    public enum State {
        WAITING,
        READY
    }

    private final TopicSetup topics;
    private final String bootstrap;
    private final boolean waitForKafka;
    private final Duration deadline;
    private final Event<KafkaReady> ready;
    private final StartupReport report;
    private volatile State state = State.WAITING;
    private volatile String lastError;
    private Thread thread;

    public KafkaStartup(
            TopicSetup topics,
            KafkaClients clients,
            Roles roles,
            TallyConfig config,
            Event<KafkaReady> ready,
            StartupReport report) {
        this.topics = topics;
        this.bootstrap = clients.bootstrapServers();
        this.waitForKafka = roles.waitForKafka();
        // the embedded broker is not timed out here: a slow machine only makes it slow
        this.deadline = waitForKafka && !config.kafka().embeddedBroker()
                ? Duration.ofSeconds(config.startup().waitSeconds())
                : null;
        this.ready = ready;
        this.report = report;
    }

    void onStart(@Observes StartupEvent ev) {
        thread = new Thread(this::run, "tally-kafka-startup");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent ev) {
        if (thread != null) {
            thread.interrupt();
        }
    }

    public State state() {
        return state;
    }

    /** Why the last attempt failed while {@link State#WAITING}; null once ready. */
    public String lastError() {
        return lastError;
    }

    private void run() {
        try {
            // an embedded broker: the first attempt starts when it listens, not into a back-off
            StartGate.BROKER.await();
        } catch (StartupException e) {
            return; // its failure stops the process (TallyMain), an interrupt means stopping
        }
        long start = System.nanoTime();
        boolean said = false;
        while (!Thread.currentThread().isInterrupted()) {
            long attempt = System.nanoTime();
            try {
                topics.apply(TopicDefinition.load(), ATTEMPT);
                StartupPhases.endedNow(Phase.TOPICS, attempt);
                lastError = null;
                state = State.READY;
                if (said) {
                    LOG.infof(
                            "Kafka at %s answers after %d s: topics set up",
                            bootstrap, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
                }
                ready.fire(new KafkaReady(bootstrap));
                report.kafkaReady();
                return;
            } catch (StartupException e) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                lastError = e.getMessage();
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (deadline != null && waited.compareTo(deadline) >= 0) {
                    LOG.errorf(
                            "stopping: %s (waited %d s, TALLY_STARTUP_WAIT_SECONDS)",
                            e.getMessage(), waited.toSeconds());
                    Quarkus.asyncExit(2);
                    return;
                }
                if (!said) {
                    said = true;
                    if (waitForKafka) {
                        LOG.infof("waiting for Kafka: %s", e.getMessage());
                    } else {
                        LOG.warnf(
                                "serving calls and spooling their usage events until Kafka answers: %s",
                                e.getMessage());
                    }
                }
                LockSupport.parkNanos(this, BACKOFF.toNanos());
            }
        }
    }
}
