package dev.tally.platform.faults;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The fault run's clients: a fixed number of calls, paced at a rate, spread over the gateways, with
 * the four shapes of the bench (OpenAI and Anthropic, JSON and stream). It keeps, client-side, the
 * {@code x-request-id} of every call answered 2xx (the gateway's usage event id), which is what the
 * reconciliation compares with the topic, the rollups and the reports. A call that cannot connect
 * goes to the other gateway, as a load balancer would send it, and so does a call a stopping gateway
 * refuses (503 {@code shutting_down}), as the SDKs retry it; a call that fails after it was sent is
 * counted apart (the gateway may have served it).
 */
final class Load {

    private static final int CLIENTS = 8;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final List<URI> gateways;
    private final String key;
    private final long total;
    private final double rate;
    private final AtomicLong next = new AtomicLong();
    /** Calls sent by {@link #probe} beyond the paced ones. */
    private final AtomicLong probes = new AtomicLong();

    private final AtomicLong done = new AtomicLong();
    private final AtomicLongArray okBy;
    private final Set<String> okIds = ConcurrentHashMap.newKeySet();
    private final Map<Integer, AtomicLong> otherStatus = new ConcurrentSkipListMap<>();
    private final Set<String> otherIds = ConcurrentHashMap.newKeySet();
    private final AtomicLong failedOver = new AtomicLong();
    private final AtomicLong unreachable = new AtomicLong();
    private final AtomicLong brokenAfterSend = new AtomicLong();
    private volatile long startNanos;

    Load(List<URI> gateways, String key, long total, double rate) {
        this.gateways = gateways;
        this.key = key;
        this.total = total;
        this.rate = rate;
        this.okBy = new AtomicLongArray(gateways.size());
    }

    /** Runs all the calls; returns when every one has an answer or has failed. */
    void run() throws Exception {
        startNanos = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Object>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(pool.submit(() -> {
                    for (long n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
                        long due = startNanos + (long) (n * 1e9 / rate);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        call(n);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<Object> f : clients) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Share of the calls finished, 0 to 1. */
    double progress() {
        return (double) done.get() / total;
    }

    long done() {
        return done.get();
    }

    /** Calls sent: the paced ones finished so far and the probes. */
    long sent() {
        return done.get() + probes.get();
    }

    long ok() {
        return okIds.size();
    }

    long okAt(int gateway) {
        return okBy.get(gateway);
    }

    Set<String> okIds() {
        return okIds;
    }

    Set<String> otherIds() {
        return otherIds;
    }

    Map<Integer, AtomicLong> otherStatus() {
        return otherStatus;
    }

    long failedOver() {
        return failedOver.get();
    }

    long unreachable() {
        return unreachable.get();
    }

    long brokenAfterSend() {
        return brokenAfterSend.get();
    }

    private void call(long n) throws InterruptedException {
        int first = (int) (n % gateways.size());
        for (int attempt = 0; attempt < gateways.size(); attempt++) {
            Sent sent = send((first + attempt) % gateways.size(), n);
            if (sent == Sent.NOT_CONNECTED || sent == Sent.REFUSED_STOPPING) {
                continue; // not served (refused calls are recorded as such): the next gateway may take it
            }
            if (attempt > 0 && sent != Sent.BROKEN_AFTER_SEND) {
                failedOver.incrementAndGet();
            }
            return;
        }
        unreachable.incrementAndGet();
        LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
    }

    /**
     * Sends {@code count} further calls to one gateway only, one after the other, counted with the
     * rest (they are calls like any other for the reconciliation); returns how many were answered 2xx.
     */
    long probe(int gateway, int count) throws InterruptedException {
        long ok = 0;
        for (int i = 0; i < count; i++) {
            Sent sent = send(gateway, total + probes.getAndIncrement());
            if (sent == Sent.NOT_CONNECTED) {
                unreachable.incrementAndGet();
            } else if (sent == Sent.ANSWERED_2XX) {
                ok++;
            }
        }
        return ok;
    }

    private enum Sent {
        ANSWERED_2XX,
        ANSWERED_OTHER,
        /** 503 from a gateway that is stopping: recorded there as refused, retried elsewhere. */
        REFUSED_STOPPING,
        NOT_CONNECTED,
        BROKEN_AFTER_SEND
    }

    private Sent send(int g, long n) throws InterruptedException {
        try {
            HttpResponse<String> r = http.send(request(gateways.get(g), n), HttpResponse.BodyHandlers.ofString());
            String id = r.headers().firstValue("x-request-id").orElse(null);
            if (r.statusCode() / 100 == 2 && id != null) {
                okIds.add(id);
                okBy.incrementAndGet(g);
                return Sent.ANSWERED_2XX;
            }
            otherStatus.computeIfAbsent(r.statusCode(), s -> new AtomicLong()).incrementAndGet();
            if (id != null) {
                otherIds.add(id);
            }
            return r.statusCode() == 503 ? Sent.REFUSED_STOPPING : Sent.ANSWERED_OTHER;
        } catch (ConnectException | HttpConnectTimeoutException e) {
            return Sent.NOT_CONNECTED;
        } catch (IOException e) {
            brokenAfterSend.incrementAndGet();
            return Sent.BROKEN_AFTER_SEND;
        }
    }

    private HttpRequest request(URI gateway, long n) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder().timeout(Duration.ofSeconds(120)).header("content-type", "application/json");
        String body;
        switch ((int) (n % 4)) {
            case 0 -> {
                b.uri(gateway.resolve("/v1/chat/completions")).header("Authorization", "Bearer " + key);
                body = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            }
            case 1 -> {
                b.uri(gateway.resolve("/v1/chat/completions")).header("Authorization", "Bearer " + key);
                body = "{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            }
            case 2 -> {
                b.uri(gateway.resolve("/v1/messages"))
                        .header("x-api-key", key)
                        .header("anthropic-version", "2023-06-01");
                body =
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":256,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            }
            default -> {
                b.uri(gateway.resolve("/v1/messages"))
                        .header("x-api-key", key)
                        .header("anthropic-version", "2023-06-01");
                body = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":256,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
            }
        }
        return b.POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
