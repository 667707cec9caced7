package dev.tally.platform.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The multi-process Tally of {@code kafka/cluster.sh}, driven from Java: every fault is one call of
 * the script, so what the fault run does is what an operator can do by hand.
 */
final class Cluster {

    private final Path script;
    private final Path dir;
    private final Map<String, String> extraEnv;

    /**
     * @param extraEnv settings every Tally JVM gets (the fake provider's address, shorter timeouts)
     */
    Cluster(Path repo, Path dir, Map<String, String> extraEnv) {
        this.script = repo.resolve("kafka/cluster.sh");
        this.dir = dir;
        this.extraEnv = extraEnv;
    }

    Path dir() {
        return dir;
    }

    /** Runs {@code cluster.sh args…}, its stderr to ours, and returns its stdout; fails on a non-zero exit. */
    String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        // this shell's own Tally settings (another Kafka, another data directory) must not leak in
        pb.environment().keySet().removeIf(k -> k.startsWith("TALLY_") || k.startsWith("QUARKUS_"));
        pb.environment().putAll(extraEnv);
        pb.environment().put("TALLY_CLUSTER_DIR", dir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("kafka/cluster.sh " + String.join(" ", args) + " failed");
        }
        return out;
    }

    /** {@code cluster.sh env} as a map: bootstrap servers, JDBC URL, admin token, each Tally's URLs. */
    Map<String, String> env() throws IOException, InterruptedException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : run("env").split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }
}
