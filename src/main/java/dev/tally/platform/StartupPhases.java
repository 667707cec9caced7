package dev.tally.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How long each part of start-up took, recorded where the part runs (the embedded services start
 * before Quarkus exists, so this is static) and reported in one log line once the instance is ready
 * ({@link StartupReport}). Only the first record of a phase counts: a later retry is not a start.
 */
public final class StartupPhases {

    /** The parts of start-up, in the order the report names them. */
    public enum Phase {
        /** From the JVM's own start to {@code main}: JVM boot and loading the entry class. */
        JVM("jvm", false),
        /**
         * Embedded PostgreSQL up (warm: {@code pg_ctl start}; first start: {@code initdb} too); runs on
         * its own thread beside Quarkus, whose Flyway waits for it.
         */
        POSTGRES("postgres", true),
        /** Embedded broker up; runs on its own thread beside PostgreSQL and Quarkus. */
        BROKER("broker", true),
        /** Quarkus boot to the end of its start-up observers; Flyway and Hibernate are inside it. */
        QUARKUS("quarkus", false),
        /** Flyway's validate and migrate, inside the Quarkus phase. */
        FLYWAY("flyway", false),
        /** Applying kafka/topics.conf once Kafka answers (background, after the broker). */
        TOPICS("topics", false);

        private final String label;
        private final boolean background;

        Phase(String label, boolean background) {
            this.label = label;
            this.background = background;
        }
    }

    /** Clock ticks per second in proc(5)'s process times: USER_HZ, 100 on Linux. */
    private static final double USER_HZ = 100;

    private static final Map<Phase, Duration> DURATIONS = new EnumMap<>(Phase.class);
    private static volatile long quarkusStart;

    private StartupPhases() {}

    /** Records a phase that started at {@code startNanos} ({@link System#nanoTime()}) and ends now. */
    public static void endedNow(Phase phase, long startNanos) {
        record(phase, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    public static synchronized void record(Phase phase, Duration took) {
        DURATIONS.putIfAbsent(phase, took);
    }

    /** {@code TallyMain} hands over to Quarkus now; the Quarkus phase ends when start-up observers have run. */
    public static void quarkusStarting() {
        quarkusStart = System.nanoTime();
    }

    /** Ends the Quarkus phase; a no-op where Quarkus was started by something else (tests). */
    public static void quarkusStarted() {
        long start = quarkusStart;
        if (start != 0) {
            endedNow(Phase.QUARKUS, start);
        }
    }

    public static synchronized Map<Phase, Duration> recorded() {
        return Map.copyOf(DURATIONS);
    }

    /**
     * When this process started, to about 20 ms. On Linux from the kernel's boot clock: the seconds
     * since boot now ({@code /proc/uptime}) less the process' start in ticks since boot (proc(5) stat
     * field 22; USER_HZ is 100 on Linux). Not {@code ProcessHandle}'s start instant there: it adds
     * those ticks to {@code /proc/stat}'s boot time, which is whole seconds (and moves with the wall
     * clock), so it read up to a second early and the report's {@code jvm} and {@code ready} figures
     * as much too long. Elsewhere {@code ProcessHandle}'s, or now if the OS does not say.
     */
    public static Instant jvmStart() {
        try {
            String uptimeText = Files.readString(Path.of("/proc/uptime"));
            // the clock is read right after the uptime it is paired with: the first file read of a
            // JVM loads classes, which on a busy machine takes longer than the kernel's 10 ms ticks
            Instant now = Instant.now();
            double uptime = Double.parseDouble(uptimeText.split(" ")[0]);
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // after the command name, which may hold spaces and parentheses, the fields start at 3
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long startTicks = Long.parseLong(fields[22 - 3]);
            return now.minusMillis(Math.round((uptime - startTicks / USER_HZ) * 1000));
        } catch (IOException | RuntimeException notLinux) {
            return ProcessHandle.current().info().startInstant().orElse(Instant.now());
        }
    }

    /** {@code ready in 4.2 s: jvm 0.3 s, postgres 0.5 s, broker 3.1 s (parallel), ...}. */
    public static String line(Duration ready, Map<Phase, Duration> phases, String tail) {
        StringJoiner parts = new StringJoiner(", ");
        for (Phase p : Phase.values()) {
            Duration d = phases.get(p);
            if (d != null) {
                parts.add(p.label + " " + seconds(d) + (p.background ? " (parallel)" : ""));
            }
        }
        String line = "ready in " + seconds(ready) + ": " + parts;
        return tail == null ? line : line + "; " + tail;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
