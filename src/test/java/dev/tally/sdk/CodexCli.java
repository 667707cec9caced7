package dev.tally.sdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The real Codex CLI of OpenAI, as {@code npm ci --prefix sdk-compat} installs it (pinned in
 * {@code sdk-compat/package-lock.json}): its native binary, run as {@code codex exec --json} against
 * Tally with a provider of its own in a fresh {@code ~/.codex/config.toml}, as docs/gateway.md tells a
 * user to set it up, offline ({@link OfflineCli}: the key added).
 */
final class CodexCli {

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
        OfflineCli.Output o = OfflineCli.run(
                "codex",
                List.of(binary().toAbsolutePath().toString(), "exec", "--json", "--skip-git-repo-check", prompt),
                Map.of("TALLY_API_KEY", key),
                home -> {
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
                });
        List<JsonNode> events = new ArrayList<>();
        for (String line : o.stdout().split("\n")) {
            if (line.startsWith("{")) {
                try {
                    events.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("codex printed a line that is not JSON: " + line, e);
                }
            }
        }
        return new Result(o.exit(), events, o.stdout(), o.stderr());
    }
}
