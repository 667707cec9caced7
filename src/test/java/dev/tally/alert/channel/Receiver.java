package dev.tally.alert.channel;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP receiver on a free local port that records every request. {@link #failNext} makes it
 * answer 503 to the next n requests, as a receiver that is down for a while would; {@link #down}
 * makes one path fail for good.
 */
public final class Receiver implements AutoCloseable {

    /** @param receivedNanos {@link System#nanoTime()} when the body was read (latency measurements) */
    public record Request(String path, Map<String, List<String>> headers, String body, long receivedNanos) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private final List<String> down = new CopyOnWriteArrayList<>();

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(
                    ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()), body, System.nanoTime()));
        }
        boolean fail = down.stream().anyMatch(ex.getRequestURI().getPath()::startsWith)
                || failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        byte[] answer = (fail ? "busy" : "ok").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(fail ? 503 : 200, answer.length);
        ex.getResponseBody().write(answer);
        ex.close();
    }

    /** The {@code X-Tally-Signature-256} a signed webhook delivery of {@code body} carries. */
    public static String signature(String secret, String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void failNext(int n) {
        failures.set(n);
    }

    /** Every request to a path under {@code prefix} gets 503 from now on. */
    public void down(String prefix) {
        down.add(prefix);
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
