package dev.tally.platform.aot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import dev.tally.gateway.FakeProvider;
import dev.tally.platform.Ports;
import dev.tally.platform.TestFiles;

/**
 * The training run of the AOT package ({@code ./mvnw package -Paot} runs it after the jar is built):
 * starts the packaged Tally on a fresh data directory once (first start: initdb, topics), stops it,
 * then restarts it recording a start-up cache, drives a workload through it and stops it, which is
 * when the JVM writes the cache into the package:
 *
 * <ul>
 * <li>JDK 25 and later: the AOT cache ({@code -XX:AOTCacheOutput=app.aot}, JEP 483/514): classes
 * loaded and linked; not the workload's method profiles (JEP 515, {@code -XX:-AOTRecordTraining}),
 * which, replayed, made the gateway warm up later and serve a call slower than profiles of its own
 * traffic (measured: docs/startup.md#aot-package);
 * <li>JDK 17 to 24: an AppCDS archive ({@code -XX:ArchiveClassesAtExit=app-cds.jsa}): classes loaded.
 * </ul>
 *
 * The recorded start is a warm restart (the data directory exists), as most starts are; the
 * workload is the bench's traffic shape through the real gateway to a fake provider (OpenAI and
 * Anthropic, JSON and streams, embeddings, model lists, the usual client errors) with the
 * aggregator rolling the events up, plus the dashboards, charts and reports being read. The cache
 * is only valid on the exact JDK build that trained it and for the package in the directory it was
 * trained in; both are written beside it ({@code <cache>.jdk}, {@code <cache>.dir}) for the
 * {@code ./tally} launcher to check.
 *
 * <p>Arguments: the {@code quarkus-app} directory. System properties: {@code aot.java} (the java
 * binary to train, default the one running this), {@code aot.training.seconds} (default 40).
 */
public final class AotTraining {

    private static final Duration READY_WITHIN = Duration.ofMinutes(5);
    private static final Duration STOP_WITHIN = Duration.ofMinutes(10);

    private final Path app;
    private final Path java;
    private final Duration workload;
    private final Path dataDir;
    private final String adminToken = "tadm_" + UUID.randomUUID().toString().replace("-", "");
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AotTraining(Path app, Path java, Duration workload) throws IOException {
        this.app = app.toAbsolutePath();
        this.java = java;
        this.workload = workload;
        this.dataDir = Files.createTempDirectory("tally-aot-training-");
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: AotTraining <target/quarkus-app>");
        }
        Path java = Path.of(System.getProperty(
                "aot.java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        Duration seconds = Duration.ofSeconds(Long.getLong("aot.training.seconds", 40));
        new AotTraining(Path.of(args[0]), java, seconds).run();
    }

    void run() throws Exception {
        String build = JdkBuild.of(java);
        int major = JdkBuild.major(build);
        boolean leyden = major >= 25;
        Path cache = app.resolve(leyden ? "app.aot" : "app-cds.jsa");
        for (String stale : List.of("app.aot", "app-cds.jsa")) {
            for (String suffix : List.of("", ".jdk", ".dir")) {
                Files.deleteIfExists(app.resolve(stale + suffix));
            }
        }
        say("training %s for JDK %s on %s (data in %s)", cache.getFileName(), build, app, dataDir);
        FakeProvider provider = new FakeProvider();
        Map<String, String> upstream = new HashMap<>();
        provider.start().forEach((k, v) -> {
            if (k.startsWith("tally.providers.openai.") || k.startsWith("tally.providers.anthropic.")) {
                upstream.put(k, v);
            }
        });
        try {
            TallyPorts ports = new TallyPorts();
            Process first = start(List.of(), upstream, ports, "first-start");
            awaitReady(first, ports);
            stop(first, "first start");

            List<String> record = leyden
                    ? List.of(
                            // classes loaded and linked, without the workload's method profiles: replayed, they
                            // made the gateway slower to warm up and slower per call (docs/startup.md#aot-package)
                            "-XX:+UnlockDiagnosticVMOptions", "-XX:-AOTRecordTraining", "-XX:AOTCacheOutput=" + cache)
                    : List.of("-XX:ArchiveClassesAtExit=" + cache);
            Process training = start(record, upstream, ports, "training");
            Instant t0 = Instant.now();
            awaitReady(training, ports);
            say(
                    "ready after %d s; workload for %d s",
                    Duration.between(t0, Instant.now()).toSeconds(), workload.toSeconds());
            TrainingWorkload.Result result =
                    new TrainingWorkload(http, URI.create("http://127.0.0.1:" + ports.http), adminToken).run(workload);
            say("workload: %s", result);
            if (!result.healthy()) {
                throw new IllegalStateException("the training workload failed (" + result
                        + "): a cache trained on errors would not help; see " + log("training"));
            }
            stop(
                    training,
                    leyden
                            ? "training (the JVM now writes the AOT cache)"
                            : "training (the JVM now writes the archive)");
        } finally {
            provider.stop();
            TestFiles.deleteTree(dataDir);
        }
        if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
            throw new IllegalStateException(cache + " was not written: see " + log("training"));
        }
        Files.writeString(app.resolve(cache.getFileName() + ".jdk"), build, StandardCharsets.UTF_8);
        // the JDK takes a cache for the same jars elsewhere (copied with their times), then refuses
        // their sealed packages (docs/startup.md#aot-package): the launcher uses it only here
        Files.writeString(
                app.resolve(cache.getFileName() + ".dir"), app.toRealPath().toString(), StandardCharsets.UTF_8);
        say("wrote %s (%d MiB) for JDK %s", cache, Files.size(cache) >> 20, build);
    }

    /** The ports one Tally uses, chosen once so that both runs use the same data directory alike. */
    private static final class TallyPorts {
        final int http = Ports.freePort();
        final int management = Ports.freePortOtherThan(http);
        final int kafka = Ports.freePortOtherThan(http, management);
    }

    private Process start(List<String> jvmFlags, Map<String, String> upstream, TallyPorts ports, String name)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmFlags);
        upstream.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        // the workload calls as fast as it can with one key: the per-key limits (600 calls a minute, 32 in
        // flight) would refuse most of it, and the training is about the paths of answered calls
        cmd.addAll(List.of(
                "-Dtally.gateway.requests-per-minute=0",
                "-Dtally.gateway.tokens-per-minute=0",
                "-Dtally.gateway.max-in-flight-per-key=0"));
        cmd.add("-jar");
        cmd.add(app.resolve("quarkus-run.jar").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile());
        // the training must not pick up this shell's Tally settings (an external Kafka, another data dir)
        pb.environment().keySet().removeIf(k -> k.startsWith("TALLY_") || k.startsWith("QUARKUS_"));
        pb.environment().put("TALLY_DATA_DIR", dataDir.toString());
        pb.environment().put("TALLY_ADMIN_TOKEN", adminToken);
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(ports.http));
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(ports.management));
        pb.environment().put("TALLY_KAFKA_EMBEDDED_PORT", String.valueOf(ports.kafka));
        say("%s: %s", name, String.join(" ", cmd));
        return pb.start();
    }

    private Path log(String name) {
        return app.getParent().resolve("aot-" + name + ".log");
    }

    private void awaitReady(Process p, TallyPorts ports) throws InterruptedException {
        try {
            Awaitility.await("Tally ready")
                    .atMost(READY_WITHIN)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(
                                    "Tally exited with " + p.exitValue() + " before it was ready");
                        }
                        for (int port : new int[] {ports.http, ports.management}) {
                            if (status(URI.create("http://127.0.0.1:" + port + "/q/health/ready")) == 200) {
                                return true;
                            }
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("Tally was not ready within " + READY_WITHIN.toMinutes() + " min");
        }
    }

    private int status(URI uri) {
        try {
            return http.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGTERM, as an operator stops it: Quarkus stops, then the JVM exits and writes the cache. */
    private void stop(Process p, String what) throws InterruptedException {
        Instant t0 = Instant.now();
        p.destroy();
        if (!p.waitFor(STOP_WITHIN.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not stop within " + STOP_WITHIN.toMinutes() + " min");
        }
        say("%s: stopped in %d s", what, Duration.between(t0, Instant.now()).toSeconds());
    }

    private static void say(String format, Object... args) {
        System.out.println("[aot] " + String.format(format, args));
    }

    /** The exact JDK build a java binary belongs to, as the {@code ./tally} launcher reads it. */
    public static final class JdkBuild {
        private static final Pattern RELEASE = Pattern.compile("(?m)^JAVA_RUNTIME_VERSION=\"([^\"]+)\"$");
        private static final Pattern PROPERTY = Pattern.compile("(?m)^\\s*java\\.runtime\\.version = (\\S+)$");

        private JdkBuild() {}

        public static String of(Path java) throws IOException, InterruptedException {
            Path home = java.toRealPath().getParent().getParent();
            Path release = home.resolve("release");
            if (Files.isRegularFile(release)) {
                Matcher m = RELEASE.matcher(Files.readString(release));
                if (m.find()) {
                    return m.group(1);
                }
            }
            Process p = new ProcessBuilder(java.toString(), "-XshowSettings:properties", "-version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = PROPERTY.matcher(out);
            if (!m.find()) {
                throw new IllegalStateException(java + " does not say its version");
            }
            return m.group(1);
        }

        /** 25 for 25.0.3+9-LTS, 17 for 17.0.15+6-Debian-1deb12u1. */
        public static int major(String build) {
            return Integer.parseInt(build.split("[.+-]", 2)[0]);
        }
    }
}
