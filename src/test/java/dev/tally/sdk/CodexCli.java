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
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.platform.Ports;
import dev.tally.platform.TestFiles;

/**
 * The real Codex CLI of OpenAI, as {@code npm ci --prefix sdk-compat} installs it (pinned in
 * {@code sdk-compat/package-lock.json}): its native binary, run as {@code codex exec --json} against
 * Tally with a provider of its own in a fresh {@code ~/.codex/config.toml}, as docs/gateway.md tells a
 * user to set it up.
 *
 * <p>It never reaches the internet: its environment is emptied and then given only what a run needs
 * (a fresh HOME and working directory, the key), and any other request would go through a proxy
 * address where nothing listens ({@code NO_PROXY} exempts only the loopback gateway). Each run is
 * bounded by {@link #TIMEOUT_SECONDS}.
 */
final class CodexCli {

    static final long TIMEOUT_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run printed: {@code --json}'s events, one per line, and the process's facts. */
    record Result(int exit, List<JsonNode> events, String stdout, String stderr) {
        /** The first event of a type, or a missing node. */
        JsonNode event(String type) {
            return events.stream()
                    .filter(e -> type.equals(e.path("type").asText()))
                    .findFirst()
                    .orElse(JSON.missingNode());
        }

        /** The text of the agent's last message. */
        String text() {
            String text = null;
            for (JsonNode e : events) {
                if ("item.completed".equals(e.path("type").asText())
                        && "agent_message".equals(e.at("/item/type").asText())) {
                    text = e.at("/item/text").asText();
                }
            }
            return text;
        }

        @Override
        public String toString() {
            return "exit " + exit + "; stdout: " + stdout + "; stderr: " + stderr;
        }
    }

    private CodexCli() {}

    /** This platform's native binary ({@code @openai/codex-<platform>/vendor/<target>/bin/codex}), or null. */
    static Path binary() {
        Path modules = SdkRun.DIR.resolve("node_modules/@openai");
        if (!Files.isDirectory(modules)) {
            return null;
        }
        try (Stream<Path> found = Files.find(
                modules,
                5,
                (p, a) -> p.getFileName().toString().equals("codex")
                        && p.getParent().getFileName().toString().equals("bin")
                        && p.toString().contains("/vendor/")
                        && Files.isExecutable(p))) {
            return found.findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** Why the CLI cannot run here, or null. */
    static String missing() {
        return binary() == null
                ? "the Codex CLI is not installed: run `npm ci --prefix sdk-compat` (it installs the native binary of"
                        + " @openai/codex for this platform) to run the Codex checks"
                : null;
    }

    /** Runs {@code codex exec --json <prompt>} with the model given, against the gateway at {@code baseUrl}. */
    static Result exec(String baseUrl, String key, String model, String prompt) {
        return exec(baseUrl, key, model, prompt, "");
    }

    /** The same, with more lines for the provider's block of the config ({@code stream_max_retries = 1}). */
    static Result exec(String baseUrl, String key, String model, String prompt, String providerLines) {
        Path binary = binary();
        try {
            Path home = Files.createTempDirectory("codex-home-");
            Path work = Files.createTempDirectory("codex-work-");
            Path out = Files.createTempFile("codex-", ".out");
            Path err = Files.createTempFile("codex-", ".err");
            Files.createDirectories(home.resolve(".codex"));
            Files.writeString(
                    home.resolve(".codex/config.toml"),
                    "model = \"" + model + "\"\n"
                            + "model_provider = \"tally\"\n\n"
                            + "[model_providers.tally]\n"
                            + "name = \"Tally\"\n"
                            + "base_url = \"" + baseUrl + "/v1\"\n"
                            + "env_key = \"TALLY_API_KEY\"\n"
                            + "wire_api = \"responses\"\n"
                            + providerLines);
            List<String> command = new ArrayList<>(
                    List.of(binary.toAbsolutePath().toString(), "exec", "--json", "--skip-git-repo-check", prompt));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .directory(work.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    // nothing on stdin: exec would otherwise read more of the prompt from it
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = pb.environment();
            env.clear();
            String deadProxy = "http://127.0.0.1:" + Ports.freePort();
            env.putAll(Map.ofEntries(
                    Map.entry("PATH", "/usr/local/bin:/usr/bin:/bin"),
                    Map.entry("HOME", home.toString()),
                    Map.entry("TMPDIR", work.toString()),
                    Map.entry("LANG", "C.UTF-8"),
                    Map.entry("TALLY_API_KEY", key),
                    Map.entry("HTTPS_PROXY", deadProxy),
                    Map.entry("HTTP_PROXY", deadProxy),
                    Map.entry("NO_PROXY", "127.0.0.1,localhost")));
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("codex did not finish within " + TIMEOUT_SECONDS + " s; stdout:\n"
                        + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8).trim();
            String stderr = Files.readString(err, StandardCharsets.UTF_8).trim();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            TestFiles.deleteTree(home);
            TestFiles.deleteTree(work);
            List<JsonNode> events = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (line.startsWith("{")) {
                    events.add(JSON.readTree(line));
                }
            }
            return new Result(p.exitValue(), events, stdout, stderr);
        } catch (IOException e) {
            throw new AssertionError("could not run codex", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running codex", e);
        }
    }
}
