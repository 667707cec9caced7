package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.Topics;
import dev.tally.platform.EmbeddedKafka;
import dev.tally.platform.Ports;

/**
 * Stopping Tally as an orchestrator does (SIGTERM to the packaged application, started as {@code java
 * -jar target/quarkus-app/quarkus-run.jar} on its embedded default): a stream in flight is answered to
 * its end and recorded with its exact usage, calls that arrive meanwhile are refused with 503 in the
 * caller's format (OpenAI's and Anthropic's) and recorded as refused, readiness says DOWN, and the process then exits. Runs after
 * {@code package} (failsafe), against the jar CI builds; the provider is the tests' fake, whose
 * {@code -gated} stream sends its first chunk and the rest only when this test opens the gate, so no
 * timing decides the outcome.
 */
class GatewayDrainIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN_TOKEN = "drain-test-admin-token-" + UUID.randomUUID();

    @TempDir
    Path dir;

    private final FakeProvider provider = new FakeProvider(false);
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Process tally;

    @AfterEach
    void stop() throws Exception {
        if (tally != null && tally.isAlive()) {
            tally.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        provider.stop();
    }

    @Test
    void aStreamInFlightIsAnsweredAndRecordedWhileNewCallsAreRefusedInTheCallersFormat() throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        assertThat(jar).as("the packaged application (mvn package)").exists();
        Map<String, String> fake = provider.start();
        int httpPort = Ports.freePort();
        int managementPort = Ports.freePort();
        int kafkaPort = Ports.freePort();
        int controllerPort = Ports.freePort();
        Path data = dir.resolve("data");
        Path log = dir.resolve("tally.log");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("TALLY_DATA_DIR", data.toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(httpPort));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        env.put("TALLY_KAFKA_EMBEDDED_PORT", Integer.toString(kafkaPort));
        env.put("TALLY_KAFKA_EMBEDDED_CONTROLLER_PORT", Integer.toString(controllerPort));
        env.put("TALLY_POSTGRES_EMBEDDED_PORT", Integer.toString(Ports.freePort()));
        env.put("TALLY_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("TALLY_PROVIDERS_OPENAI_BASE_URL", fake.get("tally.providers.openai.base-url"));
        env.put("TALLY_PROVIDERS_OPENAI_API_KEY", fake.get("tally.providers.openai.api-key"));
        tally = pb.start();

        String ready = "http://127.0.0.1:" + managementPort + "/q/health/ready";
        Awaitility.await("Tally ready (log: " + log + ")")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(tally.isAlive())
                            .as(() -> "Tally exited: " + read(log))
                            .isTrue();
                    return status(ready) == 200;
                });
        String base = "http://127.0.0.1:" + httpPort;
        JsonNode key = issueKey(base);

        // a stream in flight: its first chunk has reached the client, the rest waits at the provider
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> stream = CompletableFuture.supplyAsync(() -> {
            try {
                HttpResponse<InputStream> r = http.send(
                        chat(base, key, "gpt-4o-mini-gated", true), HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                }
                return r.statusCode();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> lines.stream().anyMatch(l -> l.startsWith("data: ")));
        assertThat(FakeProvider.gated()).isEqualTo(1);

        tally.destroy(); // SIGTERM
        Awaitility.await("readiness DOWN while stopping")
                .atMost(Duration.ofSeconds(30))
                .until(() -> status(ready) == 503);

        HttpResponse<String> refused =
                http.send(chat(base, key, "gpt-4o-mini", false), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        JsonNode error = JSON.readTree(refused.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("server_error");
        assertThat(error.path("code").asText()).isEqualTo("service_unavailable");
        assertThat(error.path("message").asText()).contains("stopping");
        assertThat(refused.headers().firstValue("x-should-retry")).isEmpty();
        // the SDK's retry opens a new connection, which a load balancer gives another instance
        assertThat(refused.headers().firstValue("connection")).hasValue("close");
        String refusedId = refused.headers().firstValue("x-request-id").orElseThrow();
        HttpResponse<String> refusedMessages = http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/messages"))
                        .header("x-api-key", key.path("key").asText())
                        .header("anthropic-version", "2023-06-01")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refusedMessages.statusCode()).isEqualTo(503);
        JsonNode anthropic = JSON.readTree(refusedMessages.body());
        assertThat(anthropic.path("type").asText()).isEqualTo("error");
        assertThat(anthropic.path("error").path("type").asText()).isEqualTo("overloaded_error");
        assertThat(anthropic.path("request_id").asText())
                .isEqualTo(refusedMessages.headers().firstValue("x-request-id").orElseThrow());

        assertThat(tally.isAlive()).as("still draining the stream").isTrue();
        FakeProvider.openGate();
        assertThat(stream.get(30, TimeUnit.SECONDS)).isEqualTo(200);
        assertThat(lines).contains("data: [DONE]");
        assertThat(lines.stream().filter(l -> l.contains("\"usage\":{\"prompt_tokens\":1200")))
                .hasSize(1);
        assertThat(tally.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // what the stopped instance recorded, read from its own broker's log
        try (EmbeddedKafka kafka = new EmbeddedKafka(data.resolve("kafka"), kafkaPort, controllerPort).start()) {
            List<JsonNode> events;
            try (UsageEvents usage = new UsageEvents(kafka.bootstrapServers(), Topics.USAGE)) {
                String keyId = key.path("id").asText();
                usage.awaitForKey(keyId, 3);
                events = usage.forKey(keyId); // and no second copy of any
            }
            assertThat(events).hasSize(3);
            JsonNode streamed = events.stream()
                    .filter(e -> e.path("data").path("outcome").asText().equals("ok"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no ok event: " + events));
            // prompt_tokens 1200 includes cached_tokens 1024: each token counted once
            assertThat(streamed.path("data").path("inputTokens").asLong()).isEqualTo(176);
            assertThat(streamed.path("data").path("cacheReadTokens").asLong()).isEqualTo(1024);
            assertThat(streamed.path("data").path("outputTokens").asLong()).isEqualTo(300);
            JsonNode refusal = events.stream()
                    .filter(e -> e.path("id").asText().equals(refusedId))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no event for the refused call: " + events));
            assertThat(refusal.path("data").path("outcome").asText()).isEqualTo("rejected");
            assertThat(refusal.path("data").path("refusal").asText()).isEqualTo("shutting_down");
        }
    }

    private JsonNode issueKey(String base) throws Exception {
        JsonNode team = post(base + "/api/admin/teams", Map.of("name", "Drain", "department", "Eng"));
        JsonNode employee = post(
                base + "/api/admin/employees",
                Map.of(
                        "email",
                        "drain@example.com",
                        "name",
                        "Drain",
                        "teamId",
                        team.path("id").asText()));
        return post(
                base + "/api/admin/keys",
                Map.of("employeeId", employee.path("id").asText()));
    }

    private JsonNode post(String url, Map<String, String> body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + ADMIN_TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isBetween(200, 201);
        return JSON.readTree(r.body());
    }

    private static HttpRequest chat(String base, JsonNode key, String model, boolean stream) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("model", model);
        body.put("messages", List.of(Map.of("role", "user", "content", "hi")));
        if (stream) {
            body.put("stream", true);
            body.put("stream_options", Map.of("include_usage", true));
        }
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .header("Authorization", "Bearer " + key.path("key").asText())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
    }

    private int status(String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
