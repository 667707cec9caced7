package dev.tally.sdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real Claude Code CLI, as {@code npm ci --prefix sdk-compat} installs it (pinned in
 * {@code sdk-compat/package-lock.json}): its native binary, run in print mode against Tally, offline
 * ({@link OfflineCli}: the gateway's URL and a key added), with auto-update, telemetry, error
 * reporting and all non-essential traffic switched off.
 */
final class ClaudeCli {

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
        List<String> command =
                new ArrayList<>(List.of(binary().toAbsolutePath().toString(), "-p", prompt, "--output-format", "json"));
        command.addAll(List.of(args));
        OfflineCli.Output o = OfflineCli.run(
                "claude",
                command,
                Map.of(
                        "ANTHROPIC_BASE_URL", baseUrl,
                        "ANTHROPIC_API_KEY", key,
                        "DISABLE_AUTOUPDATER", "1",
                        "DISABLE_TELEMETRY", "1",
                        "DISABLE_ERROR_REPORTING", "1",
                        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"),
                home -> {});
        JsonNode json;
        try {
            json = JSON.readTree(o.stdout());
        } catch (IOException e) {
            throw new AssertionError("claude printed no JSON result: exit " + o.exit() + "; stdout:\n" + o.stdout()
                    + "\nstderr:\n" + o.stderr());
        }
        return new Result(o.exit(), json, o.stdout(), o.stderr(), o.wallMillis());
    }
}
