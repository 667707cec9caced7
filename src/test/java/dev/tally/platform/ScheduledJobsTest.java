package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkus.scheduler.Scheduled;

/**
 * Every scheduled job of Tally's is skipped once the application is stopping: a job whose turn came
 * while a stop (Ctrl-C, SIGTERM) was under way ran against a closed EntityManagerFactory and logged
 * an ERROR with a stack trace. Read from the compiled classes, so a new job is held to it too.
 */
class ScheduledJobsTest {

    @Test
    void everyScheduledJobIsSkippedWhileTheApplicationIsNotRunning() throws Exception {
        List<Method> jobs = scheduledMethods();
        assertThat(jobs).as("Tally's scheduled jobs").hasSizeGreaterThanOrEqualTo(7);
        assertThat(jobs)
                .allSatisfy(m -> assertThat(m.getAnnotation(Scheduled.class).skipExecutionIf())
                        .as("%s.%s", m.getDeclaringClass().getSimpleName(), m.getName())
                        .isEqualTo(Scheduled.ApplicationNotRunning.class));
    }

    private static List<Method> scheduledMethods() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(TallyMain.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> names;
        try (Stream<Path> files = Files.walk(classes.resolve("dev/tally"))) {
            names = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .toList();
        }
        List<Method> jobs = new ArrayList<>();
        ClassLoader loader = ScheduledJobsTest.class.getClassLoader();
        for (String name : names) {
            for (Method m : Class.forName(name, false, loader).getDeclaredMethods()) {
                if (m.isAnnotationPresent(Scheduled.class)) {
                    jobs.add(m);
                }
            }
        }
        return jobs;
    }
}
