package dev.tally.platform.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The admin and report API of a running {@code kafka/cluster.sh} Tally, as its {@code env} names it:
 * every call goes to the first aggregator + dashboard instance with the cluster's admin token.
 */
final class ClusterApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final HttpClient http;

    ClusterApi(Map<String, String> env, HttpClient http) {
        this.env = env;
        this.http = http;
    }

    /** An address {@code cluster.sh env} gives, e.g. {@code TALLY_URL_GW_1}. */
    URI uri(String name) {
        String v = env.get(name);
        if (v == null) {
            throw new IllegalStateException("kafka/cluster.sh env does not say " + name);
        }
        return URI.create(v);
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri("TALLY_URL_AGG_1").resolve(path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + env.get("TALLY_ADMIN_TOKEN"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    String post(String path, Map<String, String> body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri("TALLY_URL_AGG_1").resolve(path))
                        .header("Authorization", "Bearer " + env.get("TALLY_ADMIN_TOKEN"))
                        .header("content-type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /** POSTs a new object and returns its {@code id}. */
    String create(String path, Map<String, String> body) throws IOException, InterruptedException {
        return JSON.readTree(post(path, body)).path("id").asText();
    }
}
