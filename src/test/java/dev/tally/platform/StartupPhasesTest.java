package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tally.platform.StartupPhases.Phase;

class StartupPhasesTest {

    @Test
    void theLineNamesEachRecordedPhaseInStartOrderAndMarksTheBrokerAndTheDatabaseAsParallel() {
        String line = StartupPhases.line(
                Duration.ofMillis(4230),
                Map.of(
                        Phase.QUARKUS, Duration.ofMillis(3920),
                        Phase.POSTGRES, Duration.ofMillis(480),
                        Phase.BROKER, Duration.ofMillis(3110),
                        Phase.FLYWAY, Duration.ofMillis(790),
                        Phase.TOPICS, Duration.ofMillis(140)),
                null);
        assertThat(line)
                .isEqualTo(
                        "ready in 4.2 s: postgres 0.5 s (parallel), broker 3.1 s (parallel), quarkus 3.9 s, flyway 0.8 s, topics 0.1 s");
    }

    @Test
    void aPhaseThatDidNotRunIsLeftOutAndTheTailIsSaid() {
        String line = StartupPhases.line(
                Duration.ofMillis(2000),
                Map.of(Phase.QUARKUS, Duration.ofMillis(1700)),
                "Kafka not answering yet: usage events spool");
        assertThat(line).isEqualTo("ready in 2.0 s: quarkus 1.7 s; Kafka not answering yet: usage events spool");
    }
}
