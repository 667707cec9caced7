package dev.tally.gateway;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import dev.tally.events.UsageData;
import dev.tally.identity.KeyLookup;
import dev.tally.identity.ResolvedKey;
import dev.tally.identity.Team;
import dev.tally.pricing.PriceService;

/**
 * The proxy: authenticates the key, reads and checks the body, routes the model to a provider and
 * pipes the provider's answer back chunk by chunk with backpressure, reading the usage as it passes.
 * Everything runs on the connection's event loop and nothing here blocks: the key lookup and prices
 * are in memory, the upstream client is Vert.x's, and the usage event is handed to a publisher that
 * never waits on Kafka. Each call ends in exactly one usage event, whatever way it ends.
 */
@Singleton // no client proxy: called on every gateway request
public class ProxyHandler {

    private static final Logger LOG = Logger.getLogger(ProxyHandler.class);
    private static final Buffer EMPTY = Buffer.buffer(0);
    // Header names (and common values) as AsciiStrings: hashed once, not on every lookup per call.
    private static final CharSequence H_ACCEPT = HttpHeaders.createOptimized("accept");
    private static final CharSequence H_ANTHROPIC_VERSION = HttpHeaders.createOptimized("anthropic-version");
    private static final CharSequence H_AUTHORIZATION = HttpHeaders.createOptimized("authorization");
    private static final CharSequence H_CONTENT_LENGTH = HttpHeaders.createOptimized("content-length");
    private static final CharSequence H_CONTENT_TYPE = HttpHeaders.createOptimized("content-type");
    private static final CharSequence H_EXPECT = HttpHeaders.createOptimized("expect");
    private static final CharSequence H_X_API_KEY = HttpHeaders.createOptimized("x-api-key");
    private static final CharSequence H_X_REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence TEXT_EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");
    /**
     * Response headers that belong to one hop and are not passed on; looked up ignoring case without
     * lower-casing each name (no allocation per header and call).
     */
    private static final Set<String> HOP_BY_HOP = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    static {
        HOP_BY_HOP.addAll(List.of("connection", "keep-alive", "transfer-encoding", "content-length",
                "proxy-authenticate", "proxy-connection", "te", "trailer", "upgrade", "set-cookie", "x-request-id",
                "alt-svc", "server", "date"));
    }

    private final GatewayConfig config;
    private final ProviderRegistry registry;
    private final Instance<KeyLookup> keys;
    private final RateLimiter limiter;
    private final UsageRecorder recorder;
    private final GatewayMetrics metrics;
    private final PriceService prices;
    private final Vertx vertx;
    private final HttpClientOptions clientOptions;
    /**
     * One upstream client per event-loop thread: its pooled connections then live on the same loop as
     * the client connections that use them, so a call never hops threads (each hop is a wake-up, which
     * shows in the added latency on a busy machine).
     */
    private final ThreadLocal<HttpClient> clients = ThreadLocal.withInitial(this::newClient);
    private final List<HttpClient> allClients = new java.util.concurrent.CopyOnWriteArrayList<>();
    /**
     * The calls waiting on a provider, per event loop, checked by one periodic timer per loop rather
     * than a timer per call (timeouts are then precise to {@link #WATCHDOG_TICK_MS}).
     */
    private final ThreadLocal<Set<Call>> watchdog = ThreadLocal.withInitial(this::newWatchdog);
    static final long WATCHDOG_TICK_MS = 100;
    private final long maxBody;
    private final long firstByteNanos;
    private final long betweenChunksNanos;
    private final List<CharSequence> forwardHeaders;

    public ProxyHandler(GatewayConfig config, ProviderRegistry registry, Instance<KeyLookup> keys, RateLimiter limiter,
            UsageRecorder recorder, GatewayMetrics metrics, PriceService prices, Vertx vertx) {
        this.config = config;
        this.registry = registry;
        this.keys = keys;
        this.limiter = limiter;
        this.recorder = recorder;
        this.metrics = metrics;
        this.prices = prices;
        this.vertx = vertx;
        this.maxBody = config.maxBodySize().asLongValue();
        this.firstByteNanos = Math.max(1, config.firstByteTimeout().toNanos());
        this.betweenChunksNanos = Math.max(1, config.betweenChunksTimeout().toNanos());
        List<CharSequence> fwd = new ArrayList<>();
        config.forwardHeaders().forEach(h -> fwd.add(HttpHeaders.createOptimized(h.trim().toLowerCase(Locale.ROOT))));
        this.forwardHeaders = List.copyOf(fwd);
        this.clientOptions = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setMaxPoolSize(config.poolSize())
                .setMaxWaitQueueSize(-1)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setTcpNoDelay(true)
                .setForceSni(true)
                .setDecompressionSupported(false);
    }

    private Set<Call> newWatchdog() {
        Set<Call> calls = new java.util.HashSet<>();
        vertx.setPeriodic(WATCHDOG_TICK_MS, id -> {
            if (calls.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            for (Call c : List.copyOf(calls)) {
                if (c.checkDeadline(now)) {
                    calls.remove(c);
                }
            }
        });
        return calls;
    }

    private HttpClient newClient() {
        HttpClient c = vertx.createHttpClient(clientOptions);
        allClients.add(c);
        return c;
    }

    @PreDestroy
    void close() {
        allClients.forEach(HttpClient::close);
    }

    void handle(RoutingContext ctx, Api api) {
        new Call(ctx, api).start();
    }

    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (r.nextLong() & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }

    /** One client call, from the first header to its usage event; only touched on its event loop. */
    final class Call {
        final HttpServerRequest req;
        final HttpServerResponse resp;
        final Api api;
        final Api.Wire wire;
        final String requestId = newRequestId();
        final long startNanos = System.nanoTime();
        final Usage usage = new Usage();

        ResolvedKey key;
        String model;
        boolean stream;
        Provider provider;
        boolean askedUsage;
        int requestBytes;

        int status;
        String outcome = UsageData.OUTCOME_OK;
        boolean recorded;
        boolean clientGone;
        boolean upstreamDone;
        Long ttftMs;

        HttpClientRequest upstreamReq;
        HttpClientResponse upstreamResp;
        long upstreamStart;
        /** Watched for upstream timeouts until the provider's answer has ended. */
        boolean watched;
        long lastChunkNanos;
        SseTap tap;
        Buffer jsonCopy;
        /** The JSON body chunk not yet passed on (see onUpstreamChunk). */
        Buffer held;
        /** SSE events of the current upstream read not yet written (see batchSse). */
        Buffer sseBatch;
        boolean sseBatchOwned;

        Call(RoutingContext ctx, Api api) {
            this.req = ctx.request();
            this.resp = ctx.response();
            this.api = api;
            // GET /v1/models is shared by both SDKs; Anthropic's always sends anthropic-version
            this.wire = api == Api.MODELS && req.getHeader(H_ANTHROPIC_VERSION) != null ? Api.Wire.ANTHROPIC
                    : api.wire;
        }

        void start() {
            resp.putHeader(H_X_REQUEST_ID, requestId);
            resp.closeHandler(v -> onClientClosed());
            String presented = presentedKey();
            if (presented == null) {
                reject(401, "missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'", null);
                return;
            }
            KeyLookup.Result found = keys.isResolvable() ? keys.get().lookup(presented)
                    : new KeyLookup.Result(KeyLookup.Status.UNKNOWN, null);
            if (found.status() != KeyLookup.Status.VALID || found.key() == null) {
                // a revoked or expired key still names its team, so its use shows up there
                key = found.key();
                reject(401, switch (found.status()) {
                    case REVOKED -> "this API key has been revoked";
                    case EXPIRED -> "this API key has expired";
                    default -> "invalid API key";
                }, null);
                return;
            }
            key = found.key();
            if (key.expiredAt(Instant.now())) {
                reject(401, "this API key has expired", null);
                return;
            }
            if (api == Api.MODELS) {
                listModels();
                return;
            }
            String length = req.getHeader(H_CONTENT_LENGTH);
            if (length != null) {
                long n;
                try {
                    n = Long.parseLong(length.trim());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n > maxBody) {
                    tooLarge();
                    return;
                }
            }
            if ("100-continue".equalsIgnoreCase(req.getHeader(H_EXPECT))) {
                resp.writeContinue();
            }
            readBody(length == null ? 4096 : (int) Math.min(maxBody, Math.max(0, Long.parseLong(length.trim()))));
        }

        private String presentedKey() {
            String auth = req.getHeader(H_AUTHORIZATION);
            String bearer = null;
            if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
                bearer = auth.substring(7).trim();
            }
            String apiKey = req.getHeader(H_X_API_KEY);
            if (apiKey != null) {
                apiKey = apiKey.trim();
            }
            if (bearer != null && !bearer.isEmpty() && (apiKey == null || bearer.startsWith("tly_"))) {
                return bearer;
            }
            return apiKey == null || apiKey.isEmpty() ? null : apiKey;
        }

        private void readBody(int expected) {
            Buffer body = Buffer.buffer(Math.max(expected, 16));
            boolean[] over = new boolean[1];
            req.handler(chunk -> {
                if (over[0]) {
                    return;
                }
                if (body.length() + (long) chunk.length() > maxBody) {
                    over[0] = true;
                    tooLarge();
                    return;
                }
                body.appendBuffer(chunk);
            });
            req.exceptionHandler(t -> {
                if (!recorded) {
                    onClientClosed();
                }
            });
            req.endHandler(v -> {
                if (!over[0] && !recorded) {
                    onBody(body);
                }
            });
            req.resume();
        }

        private void tooLarge() {
            resp.putHeader("connection", "close");
            reject(413, "the request body is larger than " + maxBody + " bytes", null);
        }

        private void onBody(Buffer body) {
            byte[] bytes = body.getBytes();
            requestBytes = bytes.length;
            RequestInspector.Inspected in;
            try {
                in = RequestInspector.inspect(bytes);
            } catch (RequestInspector.BadRequest e) {
                reject(400, e.getMessage(), e.param);
                return;
            }
            model = in.model();
            stream = in.stream() && api != Api.COUNT_TOKENS && api != Api.EMBEDDINGS;
            if (!key.allowsModel(model)) {
                reject(403, "model " + model + " is not allowed for this key", "model");
                return;
            }
            provider = registry.route(model);
            if (provider == null) {
                reject(404, "no provider is configured for model " + model, "model");
                return;
            }
            RateLimiter.Refusal refusal = limiter.admit(key.keyId(), key.requestsPerMinute(), key.tokensPerMinute(),
                    System.nanoTime());
            if (refusal != null) {
                resp.putHeader("retry-after", Long.toString(refusal.retryAfterSeconds()));
                reject(429, "rate limit reached for this key: " + refusal.limit() + "; retry after "
                        + refusal.retryAfterSeconds() + " s", null);
                return;
            }
            askedUsage = api == Api.CHAT_COMPLETIONS && stream && !in.includeUsage();
            byte[] out = bytes;
            if (askedUsage && provider.kind() != Provider.Kind.SIMULATED) {
                try {
                    out = RequestInspector.withIncludeUsage(bytes, in);
                } catch (RequestInspector.BadRequest e) {
                    reject(400, e.getMessage(), e.param);
                    return;
                }
            }
            if (provider.kind() == Provider.Kind.SIMULATED) {
                SimulatedProvider.answer(this, bytes.length);
                return;
            }
            forward(out == bytes ? body : Buffer.buffer(out));
        }

        private void forward(Buffer body) {
            RequestOptions o = new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setHost(provider.host())
                    .setPort(provider.port())
                    .setSsl(provider.ssl())
                    .setURI(provider.upstreamPath(api.path));
            o.putHeader(H_CONTENT_TYPE, APPLICATION_JSON);
            String accept = req.getHeader(H_ACCEPT);
            o.putHeader(H_ACCEPT, accept != null ? accept : stream ? TEXT_EVENT_STREAM : APPLICATION_JSON);
            for (CharSequence h : forwardHeaders) {
                String v = req.getHeader(h);
                if (v != null) {
                    o.putHeader(h, v);
                }
            }
            if (provider.apiKey() != null) {
                if (provider.kind() == Provider.Kind.ANTHROPIC) {
                    o.putHeader(H_X_API_KEY, provider.apiKey());
                } else {
                    o.putHeader(H_AUTHORIZATION, "Bearer " + provider.apiKey());
                }
            }
            upstreamStart = System.nanoTime();
            watch();
            clients.get().request(o).onComplete(ar -> {
                if (ar.failed()) {
                    upstreamFailed(ar.cause());
                    return;
                }
                upstreamReq = ar.result();
                if (recorded) {
                    upstreamReq.reset();
                    return;
                }
                upstreamReq.send(body).onComplete(rr -> {
                    if (rr.failed()) {
                        upstreamFailed(rr.cause());
                    } else {
                        onUpstreamResponse(rr.result());
                    }
                });
            });
        }

        private void onUpstreamResponse(HttpClientResponse r) {
            metrics.upstream(provider.name(), System.nanoTime() - upstreamStart);
            if (recorded) {
                r.request().reset();
                return;
            }
            upstreamResp = r;
            MultiMap headers = r.headers();
            String type = headers.get("content-type");
            boolean sse = type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
            String length = headers.get("content-length");
            begin(r.statusCode(), headers, sse, sse ? null : length);
            r.handler(this::onUpstreamChunk);
            r.exceptionHandler(this::upstreamFailed);
            r.endHandler(v -> onUpstreamEnd());
        }

        /** Starts the client's response; also used by the simulated provider. */
        void begin(int statusCode, MultiMap upstreamHeaders, boolean sse, String contentLength) {
            status = statusCode;
            if (statusCode >= 400) {
                outcome = UsageData.OUTCOME_UPSTREAM_ERROR;
            }
            resp.setStatusCode(statusCode);
            if (upstreamHeaders != null) {
                for (var e : upstreamHeaders) {
                    String name = e.getKey();
                    if (name.equalsIgnoreCase("x-request-id")) {
                        resp.headers().add("x-upstream-request-id", e.getValue());
                    } else if (!HOP_BY_HOP.contains(name)) {
                        resp.headers().add(e.getKey(), e.getValue());
                    }
                }
            }
            if (sse) {
                tap = new SseTap(wire, askedUsage && statusCode < 400, usage);
                resp.setChunked(true);
            } else {
                if (statusCode < 400 && api.billed) {
                    jsonCopy = Buffer.buffer(contentLength != null ? parseInt(contentLength, 1024) : 1024);
                }
                if (contentLength != null) {
                    resp.putHeader(H_CONTENT_LENGTH, contentLength);
                } else {
                    resp.setChunked(true);
                }
            }
            lastChunkNanos = System.nanoTime();
        }

        void onUpstreamChunk(Buffer chunk) {
            lastChunkNanos = System.nanoTime();
            if (recorded) {
                return;
            }
            if (ttftMs == null) {
                ttftMs = (lastChunkNanos - startNanos) / 1_000_000L;
            }
            Buffer out = chunk;
            if (tap != null) {
                batchSse(tap.onChunk(chunk));
                out = EMPTY;
            } else {
                if (jsonCopy != null) {
                    jsonCopy.appendBuffer(chunk);
                }
                // A JSON body is passed on one chunk behind, so that its last (usually its only)
                // chunk goes out with the end of the response in one write instead of two.
                Buffer previous = held;
                held = chunk;
                out = previous == null ? EMPTY : previous;
            }
            if (out.length() > 0) {
                resp.write(out);
            }
            if (upstreamResp != null && resp.writeQueueFull()) {
                HttpClientResponse source = upstreamResp;
                source.pause();
                resp.drainHandler(v -> source.resume());
            }
        }

        /**
         * SSE events decoded from one upstream read go to the client in one write, at the end of
         * that read (a task queued on this event loop runs once the read is processed): a provider
         * that sends many events at once no longer costs a write and a flush per event, while
         * events that arrive apart (a model generating) still go out the moment each arrives.
         */
        private void batchSse(Buffer out) {
            if (out.length() == 0) {
                return;
            }
            if (sseBatch == null) {
                sseBatch = out;
                vertx.runOnContext(v -> flushSse());
            } else {
                if (!sseBatchOwned) {
                    sseBatch = Buffer.buffer(sseBatch.length() + out.length() + 256).appendBuffer(sseBatch);
                    sseBatchOwned = true;
                }
                sseBatch.appendBuffer(out);
            }
        }

        /** Writes the SSE events batched so far (also before the end, an error or a timeout). */
        private void flushSse() {
            Buffer b = sseBatch;
            if (b == null) {
                return;
            }
            sseBatch = null;
            sseBatchOwned = false;
            if (recorded || clientGone) {
                return;
            }
            resp.write(b);
            if (upstreamResp != null && !upstreamDone && resp.writeQueueFull()) {
                HttpClientResponse source = upstreamResp;
                source.pause();
                resp.drainHandler(v -> source.resume());
            }
        }

        void onUpstreamEnd() {
            upstreamDone = true;
            unwatch();
            if (recorded) {
                return;
            }
            flushSse();
            if (tap != null) {
                Buffer rest = tap.onEnd();
                if (rest != null && rest.length() > 0) {
                    resp.write(rest);
                }
            } else if (jsonCopy != null) {
                UsageParser.fromResponseBody(jsonCopy.getBytes(), 0, jsonCopy.length(), wire, usage);
            }
            Buffer last = held;
            held = null;
            if (status < 400 && api.billed && !usage.reported) {
                // a provider that does not report usage: estimate rather than record nothing
                estimate();
            }
            if (last != null) {
                resp.end(last);
            } else {
                resp.end();
            }
            finish();
        }

        private void upstreamFailed(Throwable t) {
            unwatch();
            if (recorded || clientGone) {
                return;
            }
            flushSse();
            outcome = UsageData.OUTCOME_UPSTREAM_ERROR;
            if (resp.headWritten()) {
                // the stream broke half-way: the client sees the connection end early
                status = 502;
                estimate();
                finish();
                resp.reset();
                return;
            }
            boolean timeout = t instanceof ConnectTimeoutException || t instanceof TimeoutException
                    || t.getCause() instanceof ConnectTimeoutException;
            if (timeout) {
                upstreamError(504, "the provider " + provider.name() + " did not accept the connection in time");
            } else {
                upstreamError(502, "the provider " + provider.name() + " is unreachable: "
                        + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()));
            }
        }

        private void onTimeout(String message) {
            if (recorded) {
                return;
            }
            flushSse();
            // record first: resetting the upstream call fails its future, which must find the call done
            if (resp.headWritten()) {
                outcome = UsageData.OUTCOME_UPSTREAM_ERROR;
                status = 504;
                estimate();
                finish();
                resp.reset();
            } else {
                upstreamError(504, message);
            }
            if (upstreamReq != null) {
                upstreamReq.reset();
            }
        }

        private void watch() {
            watched = true;
            watchdog.get().add(this);
        }

        private void unwatch() {
            if (watched) {
                watched = false;
                watchdog.get().remove(this);
            }
        }

        /** Called by the event loop's watchdog; true when the call's upstream deadline has passed. */
        boolean checkDeadline(long now) {
            if (recorded || upstreamDone) {
                return false;
            }
            if (upstreamResp == null) {
                if (now - upstreamStart >= firstByteNanos) {
                    onTimeout("the provider did not answer within " + firstByteNanos / 1_000_000L + " ms");
                    return true;
                }
            } else if (now - lastChunkNanos >= betweenChunksNanos) {
                onTimeout("the provider sent nothing for " + betweenChunksNanos / 1_000_000L + " ms");
                return true;
            }
            return false;
        }

        private void onClientClosed() {
            if (recorded) {
                return;
            }
            clientGone = true;
            unwatch();
            if (upstreamReq != null && !upstreamDone) {
                upstreamReq.reset();
            }
            outcome = UsageData.OUTCOME_CLIENT_CANCELLED;
            status = 499;
            if (provider != null && api.billed) {
                estimate();
            }
            finish();
        }

        /** Fills what the provider did not get to report; the event then says estimated=true. */
        private void estimate() {
            if (usage.complete) {
                return;
            }
            if (!usage.reported) {
                // the provider never got to report the prompt: about 4 bytes of JSON per token
                usage.input = Math.max(usage.input, (requestBytes + 3) / 4);
            }
            usage.output = Math.max(usage.output, (usage.streamedTextChars + 3) / 4);
            usage.estimated = true;
        }

        private void reject(int code, String message, String param) {
            outcome = UsageData.OUTCOME_REJECTED;
            error(code, message, param);
        }

        private void upstreamError(int code, String message) {
            outcome = UsageData.OUTCOME_UPSTREAM_ERROR;
            error(code, message, null);
        }

        private void error(int code, String message, String param) {
            if (recorded) {
                return;
            }
            status = code;
            if (!req.isEnded() && code != 413) {
                // answered before the body was read (401): read and drop it so the connection stays usable
                req.handler(b -> { });
                req.resume();
            }
            if (!resp.ended() && !resp.headWritten()) {
                if (wire == Api.Wire.ANTHROPIC) {
                    // Anthropic sends request-id on every response; its SDK and Claude Code read it from there
                    resp.putHeader("request-id", requestId);
                }
                resp.setStatusCode(code).putHeader("content-type", "application/json")
                        .end(GatewayErrors.body(wire, code, message, param, requestId));
            }
            finish();
        }

        private void listModels() {
            Set<String> names = new LinkedHashSet<>();
            if (key.allowedModels() != null && !key.allowedModels().isEmpty()) {
                names.addAll(key.allowedModels());
            } else {
                names.addAll(prices.catalog().all().keySet());
                for (ProviderRegistry.Rule r : registry.rules()) {
                    if (!r.prefix()) {
                        names.add(r.pattern());
                    }
                }
            }
            JsonArray data = new JsonArray();
            boolean anthropic = wire == Api.Wire.ANTHROPIC;
            for (String name : names) {
                Provider p = registry.route(name);
                if (p == null) {
                    continue;
                }
                if (anthropic) {
                    data.add(new JsonObject().put("type", "model").put("id", name).put("display_name", name)
                            .put("created_at", "1970-01-01T00:00:00Z"));
                } else {
                    data.add(new JsonObject().put("id", name).put("object", "model").put("created", 0)
                            .put("owned_by", p.name()));
                }
            }
            JsonObject body = anthropic
                    ? new JsonObject().put("data", data).put("has_more", false)
                            .put("first_id", data.isEmpty() ? null : data.getJsonObject(0).getString("id"))
                            .put("last_id", data.isEmpty() ? null : data.getJsonObject(data.size() - 1).getString("id"))
                    : new JsonObject().put("object", "list").put("data", data);
            recorded = true; // listing models is not a model call: no usage event
            resp.setStatusCode(200).putHeader("content-type", "application/json").end(body.toBuffer());
        }

        private void finish() {
            if (recorded) {
                return;
            }
            recorded = true;
            unwatch();
            long now = System.nanoTime();
            if (key != null && outcome != UsageData.OUTCOME_REJECTED) {
                limiter.addTokens(key.keyId(), usage.total(), now);
            }
            try {
                recorder.record(new UsageRecorder.CallFacts(requestId,
                        key == null ? null : key.keyId().toString(),
                        key == null || key.employeeId() == null ? null : key.employeeId().toString(),
                        key == null || key.teamId() == null ? Team.UNASSIGNED.toString() : key.teamId().toString(),
                        provider == null ? null : provider.name(), model, api, stream, status, outcome, usage,
                        now - startNanos, ttftMs));
            } catch (RuntimeException e) {
                // never let accounting break the response; the publisher keeps what it was handed
                LOG.errorf("usage of request %s not recorded: %s", requestId, e.toString());
            }
        }
    }

    private static int parseInt(String s, int fallback) {
        try {
            return Math.min(Integer.parseInt(s.trim()), 16 * 1024 * 1024);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
