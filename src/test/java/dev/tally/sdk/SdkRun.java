package dev.tally.sdk;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs one of the {@code sdk-compat/*.mjs} scripts with Node as a subprocess and parses its output:
 * one JSON line per call, keyed by the line's {@code call} name.
 */
final class SdkRun {

    static final Path DIR = Path.of("sdk-compat");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 60;
    private static final int MIN_NODE = 20;

    private SdkRun() {}

    /** Why the SDK scripts cannot run here, or null when Node and the installed SDKs are present. */
    static String missing() {
        if (!Files.isDirectory(DIR.resolve("node_modules/openai"))
                || !Files.isDirectory(DIR.resolve("node_modules/@anthropic-ai/sdk"))) {
            return "sdk-compat/node_modules is missing: run `npm ci --prefix sdk-compat` to run the official SDK checks";
        }
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "`node --version` failed: Node.js 20+ is needed for the official SDK checks";
            }
            // the pinned SDKs support Node 20 LTS and later (sdk-compat/package.json "engines")
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("v(\\d+)\\.").matcher(version);
            if (!m.lookingAt() || Integer.parseInt(m.group(1)) < MIN_NODE) {
                return "node " + version + " is too old for the pinned SDKs: Node.js " + MIN_NODE + "+ is needed";
            }
        } catch (IOException e) {
            return "node is not on the PATH: install Node.js (20+) to run the official SDK checks";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while looking for node";
        }
        return null;
    }

    /** Runs {@code node <script>} against Tally and returns its lines by call name. */
    static Map<String, JsonNode> run(String script, String baseUrl, String key, String marker) {
        return run(script, baseUrl, key, marker, Map.of());
    }

    /** The same, with more environment for the script (other keys, for instance). */
    static Map<String, JsonNode> run(
            String script, String baseUrl, String key, String marker, Map<String, String> env) {
        try {
            Path out = Files.createTempFile("sdk-compat-", ".out");
            Path err = Files.createTempFile("sdk-compat-", ".err");
            ProcessBuilder pb = new ProcessBuilder("node", script)
                    .directory(DIR.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            // the SDKs read their own environment variables: only what this run sets may steer them
            pb.environment()
                    .keySet()
                    .removeIf(k -> k.startsWith("OPENAI_")
                            || k.startsWith("ANTHROPIC_")
                            || k.startsWith("CLAUDE_")
                            || k.equalsIgnoreCase("HTTP_PROXY")
                            || k.equalsIgnoreCase("HTTPS_PROXY"));
            pb.environment().put("TALLY_BASE_URL", baseUrl);
            pb.environment().put("TALLY_KEY", key);
            pb.environment().put("TALLY_MARKER", marker);
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("node " + script + " did not finish within " + TIMEOUT_SECONDS
                        + " s; stdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            // kept for whoever reads a failure: what each SDK parsed, one line per call
            Path kept = Path.of("target", "sdk-compat");
            Files.createDirectories(kept);
            Files.move(out, kept.resolve(script.replace(".mjs", ".jsonl")), StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(err);
            if (p.exitValue() != 0) {
                throw new AssertionError("node " + script + " exited with " + p.exitValue() + "; stdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            Map<String, JsonNode> lines = new LinkedHashMap<>();
            for (String line : stdout.split("\n")) {
                if (!line.isBlank()) {
                    JsonNode n = JSON.readTree(line);
                    lines.put(n.path("call").asText(), n);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new AssertionError("could not run node " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running node " + script, e);
        }
    }
}
