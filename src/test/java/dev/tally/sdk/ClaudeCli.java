package dev.tally.sdk;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.platform.Ports;
import dev.tally.platform.TestFiles;

/**
 * The real Claude Code CLI, as {@code npm ci --prefix sdk-compat} installs it (pinned in
 * {@code sdk-compat/package-lock.json}): its native binary, run in print mode against Tally.
 *
 * <p>It never reaches the internet: its environment is emptied and then given only what a run needs
 * (a fresh HOME and working directory, the gateway's URL and a key), auto-update, telemetry, error
 * reporting and all non-essential traffic are switched off, and any other request would go through
 * a proxy address where nothing listens ({@code NO_PROXY} exempts only the loopback gateway). Each
 * run is bounded by {@link #TIMEOUT_SECONDS}.
 */
final class ClaudeCli {

    static final long TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run printed: {@code --output-format json}'s result object, and the process's facts. */
    record Result(int exit, JsonNode json, String stdout, String stderr, long wallMillis) {
        String text() {
            return json.path("result").asText();
        }

        String sessionId() {
            return json.path("session_id").asText();
        }

        @Override
        public String toString() {
            return "exit " + exit + " after " + wallMillis + " ms; stdout: " + stdout + "; stderr: " + stderr;
        }
    }

    private ClaudeCli() {}

    /** The binary of this platform's native package, or null. */
    static Path binary() {
        Path modules = SdkRun.DIR.resolve("node_modules/@anthropic-ai");
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String platform = (os.contains("mac") ? "darwin" : os.contains("linux") ? "linux" : os)
                + "-"
                + (arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch.equals("aarch64") ? "arm64" : arch)
                + (os.contains("linux") && musl() ? "-musl" : "");
        Path platformBinary = modules.resolve("claude-code-" + platform).resolve("claude");
        if (Files.isExecutable(platformBinary)) {
            return platformBinary;
        }
        // the wrapper package's postinstall copies the native binary over its placeholder
        Path wrapper = modules.resolve("claude-code/bin/claude.exe");
        try {
            return Files.isExecutable(wrapper) && Files.size(wrapper) > 1_000_000 ? wrapper : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean musl() {
        try (var libs = Files.list(Path.of("/lib"))) {
            return libs.anyMatch(p -> p.getFileName().toString().startsWith("ld-musl"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Why the CLI cannot run here, or null. */
    static String missing() {
        if (binary() == null) {
            return "the Claude Code CLI is not installed: run `npm ci --prefix sdk-compat` (it installs the native binary"
                    + " of @anthropic-ai/claude-code for this platform) to run the Claude Code checks";
        }
        return null;
    }

    /** Runs {@code claude -p <prompt> --output-format json <args…>} against the gateway at {@code baseUrl}. */
    static Result print(String baseUrl, String key, String prompt, String... args) {
        Path binary = binary();
        try {
            Path home = Files.createTempDirectory("claude-home-");
            Path work = Files.createTempDirectory("claude-work-");
            Path out = Files.createTempFile("claude-", ".out");
            Path err = Files.createTempFile("claude-", ".err");
            List<String> command = new ArrayList<>(
                    List.of(binary.toAbsolutePath().toString(), "-p", prompt, "--output-format", "json"));
            command.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(work.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    // nothing on stdin: otherwise print mode waits 3 s for piped input before it starts
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = pb.environment();
            env.clear();
            String deadProxy = "http://127.0.0.1:" + Ports.freePort();
            env.putAll(Map.ofEntries(
                    Map.entry("PATH", "/usr/local/bin:/usr/bin:/bin"),
                    Map.entry("HOME", home.toString()),
                    Map.entry("TMPDIR", work.toString()),
                    Map.entry("LANG", "C.UTF-8"),
                    Map.entry("ANTHROPIC_BASE_URL", baseUrl),
                    Map.entry("ANTHROPIC_API_KEY", key),
                    Map.entry("DISABLE_AUTOUPDATER", "1"),
                    Map.entry("DISABLE_TELEMETRY", "1"),
                    Map.entry("DISABLE_ERROR_REPORTING", "1"),
                    Map.entry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
                    Map.entry("HTTPS_PROXY", deadProxy),
                    Map.entry("HTTP_PROXY", deadProxy),
                    Map.entry("NO_PROXY", "127.0.0.1,localhost")));
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("claude did not finish within " + TIMEOUT_SECONDS + " s; stdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            long wall = (System.nanoTime() - start) / 1_000_000;
            String stdout = Files.readString(out, StandardCharsets.UTF_8).trim();
            String stderr = Files.readString(err, StandardCharsets.UTF_8).trim();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            TestFiles.deleteTree(home);
            TestFiles.deleteTree(work);
            JsonNode json;
            try {
                json = JSON.readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("claude printed no JSON result: exit " + p.exitValue() + "; stdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            return new Result(p.exitValue(), json, stdout, stderr, wall);
        } catch (IOException e) {
            throw new AssertionError("could not run claude", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running claude", e);
        }
    }
}
