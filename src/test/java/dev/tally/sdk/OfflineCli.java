package dev.tally.sdk;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tally.platform.Ports;
import dev.tally.platform.TestFiles;

/**
 * Runs a coding agent's CLI (Claude Code's, Codex's) so that it never reaches the internet: its
 * environment is emptied and then given only what a run needs (a fresh HOME and working directory,
 * and what the caller adds), any other request would go through a proxy address where nothing
 * listens ({@code NO_PROXY} exempts only the loopback gateway), nothing is on stdin, and the run is
 * bounded by {@link #TIMEOUT_SECONDS}. The HOME and working directory are deleted afterwards.
 */
final class OfflineCli {

    static final long TIMEOUT_SECONDS = 120;

    /** What a run printed, and how it ended. */
    record Output(int exit, String stdout, String stderr, long wallMillis) {}

    /** Writes what the CLI reads from its HOME before it starts (a config file), or nothing. */
    interface Home {
        void prepare(Path home) throws IOException;
    }

    private OfflineCli() {}

    /** Runs {@code command} (the binary first) with {@code env} added to the bare environment. */
    static Output run(String name, List<String> command, Map<String, String> env, Home home) {
        try {
            Path homeDir = Files.createTempDirectory(name + "-home-");
            Path work = Files.createTempDirectory(name + "-work-");
            Path out = Files.createTempFile(name + "-", ".out");
            Path err = Files.createTempFile(name + "-", ".err");
            home.prepare(homeDir);
            ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command))
                    .directory(work.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    // nothing on stdin: a CLI would otherwise wait for, or read, more of the prompt there
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> environment = pb.environment();
            environment.clear();
            String deadProxy = "http://127.0.0.1:" + Ports.freePort();
            environment.putAll(Map.of(
                    "PATH",
                    "/usr/local/bin:/usr/bin:/bin",
                    "HOME",
                    homeDir.toString(),
                    "TMPDIR",
                    work.toString(),
                    "LANG",
                    "C.UTF-8",
                    "HTTPS_PROXY",
                    deadProxy,
                    "HTTP_PROXY",
                    deadProxy,
                    "NO_PROXY",
                    "127.0.0.1,localhost"));
            environment.putAll(env);
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(name + " did not finish within " + TIMEOUT_SECONDS + " s; stdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            String stdout = Files.readString(out, StandardCharsets.UTF_8).trim();
            String stderr = Files.readString(err, StandardCharsets.UTF_8).trim();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            TestFiles.deleteTree(homeDir);
            TestFiles.deleteTree(work);
            return new Output(p.exitValue(), stdout, stderr, wall);
        } catch (IOException e) {
            throw new AssertionError("could not run " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + name, e);
        }
    }
}
