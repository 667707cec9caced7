package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

    @Test
    void theJvmStartLiesBetweenLaunchingTheProcessAndItsMain() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb =
                new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), JvmStartProbe.class.getName());
        Instant launched = Instant.now();
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        String[] millis = out.split(" ");
        Instant start = Instant.ofEpochMilli(Long.parseLong(millis[0]));
        Instant main = Instant.ofEpochMilli(Long.parseLong(millis[1]));

        // the kernel's clocks step by 10 ms, so the start may read up to 20 ms before the launch
        assertThat(start).isAfter(launched.minusMillis(20)).isBefore(main);
    }

    /** Started by the test above: prints its JVM start as Tally reports it, then the time in main. */
    public static final class JvmStartProbe {
        public static void main(String[] args) {
            long main = System.currentTimeMillis();
            System.out.println(StartupPhases.jvmStart().toEpochMilli() + " " + main);
        }
    }
}
