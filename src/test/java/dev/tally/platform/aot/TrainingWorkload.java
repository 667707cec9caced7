package dev.tally.platform.aot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the AOT training run does to Tally: the bench's traffic shape through the gateway (OpenAI and
 * Anthropic, JSON and streams, from a few concurrent clients), the requests around it (model lists,
 * embeddings, token counts, a bad key, a malformed body) and, beside it, a leader reading the
 * dashboards, their charts and the reports. Every call is real HTTP; the provider is a fake.
 */
final class TrainingWorkload {

    /** Concurrent gateway clients: the bench's 64 connections would only queue up on two cores. */
    private static final int CLIENTS = 4;

    private static final Pattern CHART = Pattern.compile("/charts/[^\"'\\s?]+\\.(?:png|svg)");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Result(long calls, long callsOk, long pages, long pagesOk) {
        /** The model calls worked; pages may be behind a sign-in this run does not do. */
        boolean healthy() {
            return calls > 0 && callsOk >= calls * 9 / 10;
        }

        @Override
        public String toString() {
            return calls + " gateway calls (" + callsOk + " as expected), " + pages + " page and report reads ("
                    + pagesOk + " 200)";
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String adminToken;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong callsOk = new AtomicLong();
    private final AtomicLong pages = new AtomicLong();
    private final AtomicLong pagesOk = new AtomicLong();

    TrainingWorkload(HttpClient http, URI base, String adminToken) {
        this.http = http;
        this.base = base;
        this.adminToken = adminToken;
    }

    Result run(Duration duration) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String teamId =
                admin("/api/admin/teams", Map.of("name", "AOT training " + suffix, "department", "Engineering"));
        String employeeId = admin(
                "/api/admin/employees",
                Map.of("email", "aot-" + suffix + "@example.com", "name", "AOT Training", "teamId", teamId));
        String key = JSON.readTree(post("/api/admin/keys", Map.of("employeeId", employeeId), adminToken)
                        .body())
                .path("key")
                .asText();
        // the gateway's key cache learns a new key within its refresh interval (a second)
        Awaitility.await("the gateway accepts the training key")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> http.send(
                                        HttpRequest.newBuilder(base.resolve("/v1/models"))
                                                .header("Authorization", "Bearer " + key)
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200);
        Instant end = Instant.now().plus(duration);
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(pool.submit(() -> {
                    for (long i = client; Instant.now().isBefore(end); i += CLIENTS) {
                        call(i, key);
                    }
                    return null;
                }));
            }
            running.add(pool.submit(() -> {
                while (Instant.now().isBefore(end)) {
                    readDashboards(teamId);
                }
                return null;
            }));
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(calls.get(), callsOk.get(), pages.get(), pagesOk.get());
    }

    /** One gateway call of the mix, by number: mostly chat and messages, JSON and streamed. */
    private void call(long n, String key) throws IOException, InterruptedException {
        int expected = 200;
        HttpResponse<String> r;
        switch ((int) (n % 20)) {
            case 0, 1, 2, 3, 4, 5 ->
                r = openAi(
                        "/v1/chat/completions",
                        key,
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            case 6, 7, 8 ->
                r = openAi(
                        "/v1/chat/completions",
                        key,
                        "{\"model\":\"gpt-4o\",\"stream\":true,"
                                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            case 9, 10, 11, 12 ->
                r = anthropic(
                        "/v1/messages",
                        key,
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            case 13, 14, 15 ->
                r = anthropic(
                        "/v1/messages",
                        key,
                        "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":256,"
                                + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            case 16 -> r = openAi("/v1/embeddings", key, "{\"model\":\"text-embedding-3-small\",\"input\":\"Hi\"}");
            case 17 ->
                r = anthropic(
                        "/v1/messages/count_tokens",
                        key,
                        "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            case 18 ->
                r = http.send(
                        HttpRequest.newBuilder(base.resolve("/v1/models"))
                                .header("Authorization", "Bearer " + key)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            default -> {
                // the errors every gateway sees: an unknown key, a body that is not JSON
                expected = n % 40 == 19 ? 401 : 400;
                r = openAi("/v1/chat/completions", expected == 401 ? "tly_" + "0".repeat(40) : key, "{not json");
            }
        }
        calls.incrementAndGet();
        if (r.statusCode() == expected) {
            callsOk.incrementAndGet();
        }
    }

    private void readDashboards(String teamId) throws IOException, InterruptedException {
        Set<String> paths = new LinkedHashSet<>(List.of(
                "/",
                "/models",
                "/operations",
                "/teams/" + teamId,
                "/api/reports/org",
                "/api/reports/teams",
                "/api/reports/models",
                "/api/reports/teams/" + teamId,
                "/api/reports/org?format=csv&table=teams",
                "/api/reports/org?format=csv&table=daily"));
        HttpResponse<String> home = get("/");
        Matcher charts = CHART.matcher(home.body());
        while (charts.find()) {
            paths.add(charts.group());
        }
        for (String path : paths) {
            HttpResponse<String> r = get(path);
            pages.incrementAndGet();
            if (r.statusCode() == 200) {
                pagesOk.incrementAndGet();
            }
        }
    }

    private HttpResponse<String> openAi(String path, String key, String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Authorization", "Bearer " + key)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> anthropic(String path, String key, String body)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("x-api-key", key)
                        .header("anthropic-version", "2023-06-01")
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Authorization", "Bearer " + adminToken)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String admin(String path, Map<String, String> body) throws IOException, InterruptedException {
        return JSON.readTree(post(path, body, adminToken).body()).path("id").asText();
    }

    private HttpResponse<String> post(String path, Map<String, String> body, String token)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .header("Authorization", "Bearer " + token)
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r;
    }
}
