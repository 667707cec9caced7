package dev.tally.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.tally.platform.StartupPhases.Phase;

/**
 * Logs the start-up phases in one line when the instance is first ready: Quarkus has started and,
 * on every role but a gateway-only one, Kafka has answered with its topics set up.
 */
@ApplicationScoped
public class StartupReport {

    private static final Logger LOG = Logger.getLogger(StartupReport.class);

    private final boolean waitForKafka;
    private boolean quarkusUp;
    private boolean kafkaUp;
    private boolean reported;

    public StartupReport(Roles roles) {
        this.waitForKafka = roles.waitForKafka();
    }

    /** Runs after every other start-up observer: that is where the Quarkus phase ends. */
    synchronized void onStart(@Observes @Priority(100_000) StartupEvent ev) {
        StartupPhases.quarkusStarted();
        quarkusUp = true;
        report();
    }

    /** Kafka answered and the topics are set up. */
    public synchronized void kafkaReady() {
        kafkaUp = true;
        report();
    }

    private void report() {
        Map<Phase, Duration> phases = StartupPhases.recorded();
        // only when TallyMain launched Quarkus (a test harness has its own clock)
        if (reported || !quarkusUp || waitForKafka && !kafkaUp || !phases.containsKey(Phase.QUARKUS)) {
            return;
        }
        reported = true;
        Instant now = Instant.now();
        Duration ready = Duration.between(StartupPhases.jvmStart(), now);
        LOG.info(StartupPhases.line(ready, phases, kafkaUp ? null : "Kafka not answering yet: usage events spool"));
    }
}
