package dev.tally.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.http.HttpServerStart;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

import dev.tally.identity.ApiKeys;
import dev.tally.identity.ResolvedKey;
import dev.tally.platform.Role;
import dev.tally.platform.Roles;
import dev.tally.platform.Ticker;

/**
 * The gateway warms itself once it listens: {@code tally.gateway.warm-up-calls} calls (off by
 * default; 500 is the measured setting), four at a time, through its own HTTP port and every stage a client's call
 * takes (admission, body, upstream client, relay, usage taps), to a provider on a loopback port of
 * this JVM that answers in the documented shapes ({@link SimulatedProvider}'s answers; streams event
 * by event, some a millisecond apart as a model writes them). The shapes are those of the clients in
 * front of a gateway: OpenAI chat as JSON and as streams (with and without the usage chunk asked
 * for), Anthropic messages as JSON and streams, token counts, the Responses API, embeddings, the
 * model lists, from the User-Agents of the SDKs, Claude Code and Codex. So the JIT has profiled each
 * path and each branch of it before the first employees' calls, not only the shape of whichever
 * client came first: a path first met later runs interpreted again until it is compiled anew
 * (docs/startup.md, "The gateway warms itself").
 *
 * <p>The calls carry a key made at random for the warm-up and held only in memory, accepted only
 * while it runs: no team, no person, no limits or budgets, never routed to a configured provider, and
 * never recorded (no usage event, no {@code tally_gateway_*} count). Readiness does not wait for it,
 * and it gives way to the clients: it begins only after their calls have stayed below 500 a second
 * ({@link #BUSY_CALLS_PER_SECOND}) for {@link #CALM_BEFORE_NANOS 2 s}; while they come faster it
 * waits (their calls warm the JIT themselves, and the warm-up would take CPU and compiler time from
 * them), and after a minute of that it ends.
 */
@Singleton
public class WarmUp {

    private static final Logger LOG = Logger.getLogger(WarmUp.class);

    /** The warm-up calls' key: nobody's, unlimited, allowed every model. */
    public static final ResolvedKey KEY =
            new ResolvedKey(new UUID(0, 0), ApiKeys.SCHEME + "warmup0", null, null, Set.of(), null, 0, 0, 0);

    /** The calls in flight at once. */
    static final int CONCURRENCY = 4;

    /**
     * The clients' call rate at which the warm-up waits (the aggregator's "busy gateway" too): their
     * calls warm the JIT themselves, and the warm-up's would only take CPU and compiler time from them.
     */
    static final double BUSY_CALLS_PER_SECOND = 500;

    /** How long the clients' call rate is measured over, and how long a waiting warm-up waits. */
    static final long WINDOW_MILLIS = 100;

    /** How long the warm-up waits for a busy gateway to calm down before it ends. */
    static final long GIVE_UP_NANOS = 60_000_000_000L;

    /**
     * How long the clients' calls must stay below the busy rate before the first warm-up call: a
     * gateway that has just opened its port gets its load a moment later, and a warm-up begun in that
     * moment competes with it for the compiler (docs/startup.md, "The gateway warms itself").
     */
    static final long CALM_BEFORE_NANOS = 2_000_000_000L;

    /** The longest the warm-up waits for calls to begin or to go on, busy or not, before it ends. */
    static final long WAIT_AT_MOST_NANOS = 5 * GIVE_UP_NANOS;

    /** A model name the loopback provider answers event by event, a millisecond apart. */
    static final String SLOW = "tally-warm-up-slow";

    static final String FAST = "tally-warm-up";

    /**
     * What the warm-up did: calls answered, those answered 200, the first other answer if any, and
     * whether it ended early because the clients' calls kept the gateway busy.
     */
    public record Result(int calls, int ok, String failure, boolean gaveWay, long millis) {}

    private final Vertx vertx;
    private final SimulatedProvider answers;
    private final GatewayMetrics metrics;
    private final Ticker ticker;
    private final int configured;
    private final boolean gateway;

    /** The key the calls present, while a warm-up runs; else null and no call can present it. */
    private volatile String secret;
    /** The loopback provider, as the gateway routes to it, while a warm-up runs. */
    private volatile Provider openai;

    private volatile Provider anthropic;
    private boolean started;
    private boolean running;
    private boolean launched;
    private int port;
    private String host;

    WarmUp(
            Vertx vertx,
            SimulatedProvider answers,
            GatewayMetrics metrics,
            Ticker ticker,
            GatewayConfig config,
            Roles roles) {
        this.vertx = vertx;
        this.ticker = ticker;
        this.answers = answers;
        this.metrics = metrics;
        this.configured = config.warmUpCalls();
        this.gateway = roles.has(Role.GATEWAY);
    }

    /** Whether a presented key is the running warm-up's (compared in constant time). */
    public boolean admits(String presented) {
        String s = secret;
        return s != null
                && presented != null
                && MessageDigest.isEqual(
                        s.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.US_ASCII));
    }

    /** The loopback provider for a warm-up call of this API (its wire decides the kind). */
    public Provider provider(Api api) {
        return api.wire == Api.Wire.ANTHROPIC ? anthropic : openai;
    }

    public static boolean is(ResolvedKey key) {
        return key == KEY;
    }

    /** Quarkus fires this (asynchronously) once its HTTP server listens. */
    void listening(@ObservesAsync HttpServerStart start) {
        int p = start.options().getPort();
        String host = start.options().getHost();
        synchronized (this) {
            port = p;
            this.host = host == null || host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
        }
        maybeStart();
    }

    void started(@Observes StartupEvent ev) {
        synchronized (this) {
            started = true;
        }
        maybeStart();
    }

    private void maybeStart() {
        int p;
        String h;
        synchronized (this) {
            if (launched || !gateway || configured <= 0 || !started || port <= 0 || host == null) {
                return;
            }
            p = port;
            h = host;
            launched = true;
        }
        LOG.debugf("gateway warm-up: %s calls to %s:%s", (Object) configured, h, p);
        run(h, p, configured)
                .onFailure(e -> LOG.warnf("gateway warm-up did not run: %s", e.toString()))
                .onSuccess(r -> {
                    if (r.gaveWay()) {
                        LOG.infof(
                                "gateway warm-up: gave way to the clients' calls after %d of %d calls: they kept the gateway busy",
                                r.calls(), configured);
                    } else if (r.failure() == null) {
                        LOG.infof(
                                "gateway warm-up: %d calls through this gateway to a loopback provider in %.1f s (none recorded)",
                                r.calls(), r.millis() / 1000.0);
                    } else {
                        LOG.warnf(
                                "gateway warm-up stopped after %d calls (%d answered 200): %s",
                                r.calls(), r.ok(), r.failure());
                    }
                });
    }

    /**
     * Runs {@code calls} warm-up calls through the gateway listening on {@code host:port}, and
     * completes when the last has been answered (or the first call fails: the warm-up then stops).
     */
    Future<Result> run(String host, int port, int calls) {
        byte[] random = new byte[30];
        new SecureRandom().nextBytes(random);
        return run(
                host,
                port,
                calls,
                ApiKeys.SCHEME + "warmup_"
                        + Base64.getUrlEncoder().withoutPadding().encodeToString(random));
    }

    /** {@link #run(String, int, int)} with the key the calls present (a test's, to try it afterwards). */
    Future<Result> run(String host, int port, int calls, String key) {
        return run(host, port, calls, key, new Load(metrics::calls, ticker));
    }

    /**
     * The same, with the clients' load measured by the caller's {@link Load} (a test's). Nothing is
     * made (no loopback provider, no client, no key accepted) until the clients' calls have been calm
     * for {@link #CALM_BEFORE_NANOS}.
     */
    synchronized Future<Result> run(String host, int port, int calls, String key, Load load) {
        if (running) {
            return Future.failedFuture("a warm-up is already running");
        }
        running = true;
        long t0 = ticker.nanoTime();
        return whenCalm(load)
                .compose(calm -> calm
                        ? calls(host, port, calls, key, load)
                        : Future.succeededFuture(Run.gaveWayBefore(calls, load)))
                .map(run -> new Result(
                        run.answered.get(),
                        run.ok.get(),
                        run.failure,
                        run.gaveWay,
                        (ticker.nanoTime() - t0) / 1_000_000))
                .onComplete(done -> {
                    secret = null;
                    synchronized (this) {
                        running = false;
                    }
                });
    }

    /**
     * Completes with true once the clients' calls have stayed below the busy rate for
     * {@link #CALM_BEFORE_NANOS}, with false when they kept the gateway busy too long.
     */
    private Future<Boolean> whenCalm(Load load) {
        Promise<Boolean> calm = Promise.promise();
        look(load, calm);
        return calm.future();
    }

    private void look(Load load, Promise<Boolean> calm) {
        boolean busy = load.busy();
        if (waitedTooLong(load, busy)) {
            calm.complete(false);
        } else if (!busy && load.calmNanos() >= CALM_BEFORE_NANOS) {
            calm.complete(true);
        } else {
            vertx.setTimer(WINDOW_MILLIS, t -> look(load, calm));
        }
    }

    private static boolean waitedTooLong(Load load, boolean busy) {
        return busy && load.busyNanos() >= GIVE_UP_NANOS || load.lookingNanos() >= WAIT_AT_MOST_NANOS;
    }

    /** Opens the loopback provider and sends the calls, {@link #CONCURRENCY} at a time. */
    private Future<Run> calls(String host, int port, int calls, String key, Load load) {
        return vertx.createHttpServer(
                        new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(this::answer)
                .listen()
                .compose(server -> {
                    openai = Provider.of("warm-up", "http://127.0.0.1:" + server.actualPort() + "/v1", null, "openai");
                    anthropic = Provider.of("warm-up", "http://127.0.0.1:" + server.actualPort(), null, "anthropic");
                    secret = key;
                    HttpClient client = vertx.createHttpClient(
                            new HttpClientOptions().setMaxPoolSize(CONCURRENCY).setKeepAlive(true));
                    Run run = new Run(client, host, port, key, calls, load);
                    for (int i = 0; i < Math.min(CONCURRENCY, calls); i++) {
                        next(run);
                    }
                    if (calls <= 0) {
                        run.done.tryComplete(run);
                    }
                    return run.done.future().compose(r -> stop(client, server).map(r));
                });
    }

    private Future<Void> stop(HttpClient client, HttpServer server) {
        secret = null;
        return client.close().transform(closed -> server.close());
    }

    private static final class Run {
        final HttpClient client;
        final String host;
        final int port;
        final String key;
        final int calls;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        final Promise<Run> done = Promise.promise();
        volatile String failure;
        volatile boolean gaveWay;

        final Load load;

        Run(HttpClient client, String host, int port, String key, int calls, Load load) {
            this.load = load;
            this.client = client;
            this.host = host;
            this.port = port;
            this.key = key;
            this.calls = calls;
        }

        /** A warm-up that ended before its first call: the clients kept the gateway busy. */
        static Run gaveWayBefore(int calls, Load load) {
            Run run = new Run(null, null, 0, null, calls, load);
            run.gaveWay = true;
            return run;
        }
    }

    private void next(Run run) {
        if (run.failure == null && !run.gaveWay && run.next.get() < run.calls) {
            boolean busy = run.load.busy();
            if (waitedTooLong(run.load, busy)) {
                run.gaveWay = true;
            } else if (busy) {
                vertx.setTimer(WINDOW_MILLIS, t -> next(run));
                return;
            }
        }
        int i = run.next.getAndIncrement();
        if (i >= run.calls || run.failure != null || run.gaveWay) {
            if (run.inFlight.get() == 0) {
                run.done.tryComplete(run);
            }
            return;
        }
        run.inFlight.incrementAndGet();
        Shape s = SHAPES.get(i % SHAPES.size());
        RequestOptions o = new RequestOptions()
                .setHost(run.host)
                .setPort(run.port)
                .setMethod(s.body == null ? HttpMethod.GET : HttpMethod.POST)
                .setURI(s.api.path)
                .setHeaders(s.headers(run.key));
        run.client
                .request(o)
                .compose(req -> s.body == null ? req.send() : req.send(s.body))
                .compose(resp -> resp.body()
                        .map(b -> resp.statusCode() == 200
                                ? null
                                : s.api.path + " answered " + resp.statusCode() + ": " + abbreviate(b.toString())))
                .onComplete(ar -> {
                    String failed = ar.failed() ? s.api.path + ": " + ar.cause() : ar.result();
                    run.answered.incrementAndGet();
                    if (failed == null) {
                        run.ok.incrementAndGet();
                    } else if (run.failure == null) {
                        run.failure = failed;
                    }
                    run.inFlight.decrementAndGet();
                    next(run);
                });
    }

    /**
     * The clients' call rate, from the gateway's count of recorded calls (the warm-up's own are never
     * recorded), re-measured when a window of {@link #WINDOW_MILLIS} has passed: busy at
     * {@link #BUSY_CALLS_PER_SECOND} or more.
     */
    static final class Load {
        private final LongSupplier calls;
        private final Ticker ticker;
        private boolean measuring;
        private long windowStart;
        private long callsAtWindowStart;
        private boolean busy;
        private long busySince;
        private long firstLook;
        private long calmSince;

        Load(LongSupplier calls, Ticker ticker) {
            this.calls = calls;
            this.ticker = ticker;
        }

        /** Busy over the last whole window (not before the first window has passed). */
        synchronized boolean busy() {
            long now = ticker.nanoTime();
            if (!measuring) {
                measuring = true;
                firstLook = now;
                calmSince = now;
                windowStart = now;
                callsAtWindowStart = calls.getAsLong();
            } else if (now - windowStart >= WINDOW_MILLIS * 1_000_000) {
                long n = calls.getAsLong();
                boolean wasBusy = busy;
                busy = (n - callsAtWindowStart) * 1e9 / (now - windowStart) >= BUSY_CALLS_PER_SECOND;
                if (busy && !wasBusy) {
                    busySince = windowStart;
                }
                if (busy) {
                    calmSince = now;
                }
                windowStart = now;
                callsAtWindowStart = n;
            }
            return busy;
        }

        /** How long the gateway has been busy without a calm window between, as last measured. */
        synchronized long busyNanos() {
            return busy ? windowStart - busySince : 0;
        }

        /** How long the calls have stayed below the busy rate, in whole windows as last measured. */
        synchronized long calmNanos() {
            return busy || !measuring ? 0 : windowStart - calmSince;
        }

        /** How long since the first look. */
        synchronized long lookingNanos() {
            return measuring ? ticker.nanoTime() - firstLook : 0;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }

    /** One kind of client call: the API, its body (null: a GET) and its headers but the key. */
    private record Shape(Api api, Buffer body, boolean anthropicAuth, String userAgent, String[] extra) {
        MultiMap headers(String key) {
            MultiMap h = MultiMap.caseInsensitiveMultiMap().add("user-agent", userAgent);
            if (body != null) {
                h.add("content-type", "application/json");
            }
            if (anthropicAuth) {
                h.add("x-api-key", key).add("anthropic-version", "2023-06-01");
            } else {
                h.add("authorization", "Bearer " + key);
            }
            for (int i = 0; i < extra.length; i += 2) {
                h.add(extra[i], extra[i + 1]);
            }
            return h;
        }
    }

    private static Shape shape(Api api, String body, boolean anthropicAuth, String userAgent, String... extra) {
        return new Shape(api, body == null ? null : Buffer.buffer(body), anthropicAuth, userAgent, extra);
    }

    private static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in five words.\"}]";

    /** The calls of the warm-up, in turn. */
    static final List<Shape> SHAPES = List.of(
            shape(
                    Api.CHAT_COMPLETIONS,
                    "{\"model\":\"" + FAST + "\"," + ASK + ",\"max_tokens\":64}",
                    false,
                    "OpenAI/JS 6.49.0"),
            shape(
                    Api.CHAT_COMPLETIONS,
                    "{\"model\":\"" + SLOW + "\"," + ASK
                            + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
                    false,
                    "OpenAI/Python 2.8.1",
                    "connection",
                    "keep-alive"),
            shape(
                    Api.CHAT_COMPLETIONS,
                    "{\"model\":\"" + FAST + "\"," + ASK + ",\"stream\":true}",
                    false,
                    "curl/8.5.0",
                    "accept",
                    "text/event-stream"),
            shape(
                    Api.MESSAGES,
                    "{\"model\":\"" + FAST + "\",\"max_tokens\":64," + ASK + "}",
                    true,
                    "Anthropic/Python 0.75.0"),
            shape(
                    Api.MESSAGES,
                    "{\"model\":\"" + SLOW + "\",\"max_tokens\":64,\"system\":\"Be brief.\"," + ASK
                            + ",\"stream\":true}",
                    true,
                    "claude-cli/2.0.50 (external, cli)",
                    "connection",
                    "keep-alive",
                    "anthropic-beta",
                    "claude-code-20250219",
                    "x-claude-code-session-id",
                    "0b3f2a4c-5d6e-4f70-8a9b-0c1d2e3f4a5b"),
            shape(
                    Api.MESSAGES,
                    "{\"model\":\"" + FAST + "\",\"max_tokens\":64," + ASK + ",\"stream\":true}",
                    true,
                    "Anthropic/JS 0.71.0",
                    "accept",
                    "text/event-stream"),
            shape(
                    Api.COUNT_TOKENS,
                    "{\"model\":\"" + FAST + "\"," + ASK + "}",
                    true,
                    "claude-cli/2.0.50 (external, cli)"),
            shape(
                    Api.RESPONSES,
                    "{\"model\":\"" + FAST + "\",\"input\":\"Say hello in five words.\"," + "\"max_output_tokens\":64}",
                    false,
                    "OpenAI/JS 6.49.0"),
            shape(
                    Api.RESPONSES,
                    "{\"model\":\"" + SLOW + "\",\"input\":[{\"role\":\"user\",\"content\":"
                            + "[{\"type\":\"input_text\",\"text\":\"Say hello.\"}]}],\"stream\":true}",
                    false,
                    "codex_exec/0.171.0 (Debian 12.0.0; x86_64)",
                    "session-id",
                    "0199a213-81c0-7800-8aa1-bbab2a035a53",
                    "accept",
                    "text/event-stream"),
            shape(Api.EMBEDDINGS, "{\"model\":\"" + FAST + "\",\"input\":\"hello\"}", false, "OpenAI/Python 2.8.1"),
            shape(Api.MODELS, null, false, "OpenAI/Python 2.8.1"),
            shape(Api.MODELS, null, true, "claude-cli/2.0.50 (external, cli)"));

    // ---- the loopback provider -------------------------------------------------------------

    /** Answers a call the gateway forwarded, in its API's documented shape. */
    private void answer(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            Api api = Api.ofPath(req.path());
            HttpServerResponse resp = req.response();
            if (api == null) {
                resp.setStatusCode(404).end();
                return;
            }
            RequestInspector.Inspected asked = inspect(body);
            String model = asked == null || asked.model() == null ? FAST : asked.model();
            boolean stream = asked != null && asked.stream();
            answers.open(new Asked(api, model, stream, req), new Writer(resp, model.equals(SLOW)))
                    .send(body);
        });
    }

    /** The forwarded body's model and stream flag, as the gateway read them; null for no JSON body. */
    private static RequestInspector.Inspected inspect(Buffer body) {
        try {
            return body.length() == 0 ? null : RequestInspector.inspect(body.getBytes());
        } catch (RequestInspector.BadRequest e) {
            return null;
        }
    }

    /** A forwarded call as the simulated answers need it. */
    private record Asked(Api api, String model, boolean stream, HttpServerRequest req) implements Upstream.Request {
        @Override
        public String requestId() {
            return UUID.randomUUID().toString();
        }

        @Override
        public Provider provider() {
            return Provider.simulated();
        }

        @Override
        public String header(CharSequence name) {
            return req.getHeader(name);
        }

        @Override
        public MultiMap headers() {
            return req.headers();
        }

        @Override
        public String query() {
            return req.query();
        }
    }

    /** Writes an answer to the gateway: JSON at once, a stream event by event. */
    private final class Writer implements Upstream.Receiver {
        private final HttpServerResponse resp;
        private final boolean slow;
        private boolean sse;

        Writer(HttpServerResponse resp, boolean slow) {
            this.resp = resp;
            this.slow = slow;
        }

        @Override
        public void onHead(int status, MultiMap headers) {
            resp.setStatusCode(status).headers().addAll(headers);
            String type = headers.get("content-type");
            sse = type != null && type.startsWith("text/event-stream");
            if (sse) {
                resp.setChunked(true);
            }
        }

        @Override
        public void onChunk(Buffer chunk) {
            if (!sse) {
                resp.write(chunk);
                return;
            }
            String all = chunk.toString(StandardCharsets.UTF_8);
            List<String> events = new ArrayList<>();
            int from = 0;
            for (int end = all.indexOf("\n\n"); end >= 0; end = all.indexOf("\n\n", from)) {
                events.add(all.substring(from, end + 2));
                from = end + 2;
            }
            if (from < all.length()) {
                events.add(all.substring(from));
            }
            pending = events;
        }

        private List<String> pending = List.of();

        @Override
        public void onEnd() {
            if (!sse) {
                resp.end();
            } else if (!slow) {
                pending.forEach(resp::write);
                resp.end();
            } else {
                writeFrom(0);
            }
        }

        private void writeFrom(int i) {
            if (i >= pending.size()) {
                resp.end();
                return;
            }
            resp.write(pending.get(i));
            vertx.setTimer(1, t -> writeFrom(i + 1));
        }

        @Override
        public void onFailure(Throwable cause) {
            resp.reset();
        }
    }
}
