package dev.tally.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import dev.tally.platform.Ticker;

/**
 * A provider over HTTP/1.1: the client's body as it came (or as admission rewrote it), the
 * provider's secret instead of the client's key, a few forwarded headers, and the answer streamed
 * back to the receiver with backpressure.
 */
@Singleton // no client proxy: called on every gateway request
class HttpUpstream implements Upstream {

    // Header names (and common values) as AsciiStrings: hashed once, not on every lookup per call.
    private static final CharSequence H_ACCEPT = HttpHeaders.createOptimized("accept");
    private static final CharSequence H_AUTHORIZATION = HttpHeaders.createOptimized("authorization");
    private static final CharSequence H_CONTENT_TYPE = HttpHeaders.createOptimized("content-type");
    private static final CharSequence H_X_API_KEY = HttpHeaders.createOptimized("x-api-key");
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence TEXT_EVENT_STREAM = HttpHeaders.createOptimized("text/event-stream");

    private static final Logger LOG = Logger.getLogger(HttpUpstream.class);

    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final Ticker ticker;
    private final HttpClientOptions clientOptions;
    private final List<CharSequence> forwardHeaders;
    /** Header name prefixes forwarded ({@code x-stainless-} from {@code x-stainless-*}), lower case. */
    private final String[] forwardPrefixes;

    private final QueryFilter query;
    /**
     * One upstream client per event-loop thread: its pooled connections then live on the same loop as
     * the client connections that use them, so a call never hops threads (each hop is a wake-up, which
     * shows in the added latency on a busy machine).
     */
    private final ThreadLocal<HttpClient> clients = ThreadLocal.withInitial(this::newClient);

    private final List<HttpClient> allClients = new CopyOnWriteArrayList<>();

    HttpUpstream(GatewayConfig config, GatewayMetrics metrics, Ticker ticker, Vertx vertx) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.ticker = ticker;
        List<CharSequence> fwd = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        for (String h : config.forwardHeaders()) {
            String name = h.trim().toLowerCase(Locale.ROOT);
            if (HopByHop.always(name)) {
                LOG.warnf("tally.gateway.forward-headers: %s is a hop-by-hop header and is never forwarded", name);
            } else if (name.endsWith("*")) {
                prefixes.add(name.substring(0, name.length() - 1));
            } else if (!name.isEmpty()) {
                fwd.add(HttpHeaders.createOptimized(name));
            }
        }
        this.forwardHeaders = List.copyOf(fwd);
        this.forwardPrefixes = prefixes.toArray(String[]::new);
        this.query = new QueryFilter(config.forwardQueryParams());
        this.clientOptions = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setKeepAliveTimeout(60)
                .setMaxPoolSize(config.poolSize())
                .setMaxWaitQueueSize(-1)
                .setConnectTimeout((int)
                        Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setTcpNoDelay(true)
                .setForceSni(true)
                .setDecompressionSupported(false);
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

    @Override
    public Exchange open(Request request, Receiver receiver) {
        return new HttpExchange(request, receiver);
    }

    private RequestOptions options(Request call) {
        Provider provider = call.provider();
        RequestOptions o = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(provider.host())
                .setPort(provider.port())
                .setSsl(provider.ssl())
                .setURI(uri(call));
        o.putHeader(H_CONTENT_TYPE, APPLICATION_JSON);
        String accept = call.header(H_ACCEPT);
        o.putHeader(H_ACCEPT, accept != null ? accept : call.stream() ? TEXT_EVENT_STREAM : APPLICATION_JSON);
        String connection = call.header(HttpHeaders.CONNECTION);
        for (CharSequence h : forwardHeaders) {
            String v = call.header(h);
            // a header the client's Connection names belongs to its hop only (RFC 9110, 7.6.1)
            if (v != null && (connection == null || !HopByHop.names(connection, h.toString()))) {
                o.putHeader(h, v);
            }
        }
        if (forwardPrefixes.length > 0) {
            for (var h : call.headers()) {
                if (forwardedByPrefix(h.getKey()) && (connection == null || !HopByHop.names(connection, h.getKey()))) {
                    o.addHeader(h.getKey(), h.getValue());
                }
            }
        }
        if (provider.apiKey() != null) {
            if (provider.kind() == Provider.Kind.ANTHROPIC) {
                o.putHeader(H_X_API_KEY, provider.apiKey());
            } else {
                o.putHeader(H_AUTHORIZATION, "Bearer " + provider.apiKey());
            }
        }
        return o;
    }

    /** The provider's path for the call, with the client's query parameters that are forwarded. */
    private String uri(Request call) {
        String path = call.provider().upstreamPath(call.api().path);
        String raw = call.query();
        if (raw == null || raw.isEmpty()) {
            return path;
        }
        QueryFilter.Result kept = query.filter(raw);
        if (kept.dropped() > 0) {
            metrics.queryParamsDropped(call.api(), kept.dropped());
        }
        return kept.query().isEmpty() ? path : path + "?" + kept.query();
    }

    private boolean forwardedByPrefix(String name) {
        for (String p : forwardPrefixes) {
            if (name.regionMatches(true, 0, p, 0, p.length())) {
                return true;
            }
        }
        return false;
    }

    /** One call to the provider: the connection's request once the pool has one, then its response. */
    private final class HttpExchange implements Exchange {
        private final Request call;
        private final Receiver receiver;
        private HttpClientRequest request;
        private HttpClientResponse response;
        private boolean cancelled;

        HttpExchange(Request call, Receiver receiver) {
            this.call = call;
            this.receiver = receiver;
        }

        @Override
        public void send(Buffer body) {
            long sent = ticker.nanoTime();
            clients.get().request(options(call)).onComplete(ar -> {
                if (ar.failed()) {
                    receiver.onFailure(ar.cause());
                    return;
                }
                request = ar.result();
                if (cancelled) {
                    request.reset();
                    return;
                }
                request.send(body).onComplete(rr -> {
                    if (rr.failed()) {
                        receiver.onFailure(rr.cause());
                        return;
                    }
                    HttpClientResponse r = rr.result();
                    metrics.upstream(call.provider().name(), ticker.nanoTime() - sent);
                    if (cancelled) {
                        r.request().reset();
                        return;
                    }
                    response = r;
                    receiver.onHead(r.statusCode(), r.headers());
                    r.handler(receiver::onChunk);
                    r.exceptionHandler(receiver::onFailure);
                    r.endHandler(v -> receiver.onEnd());
                });
            });
        }

        @Override
        public void pause() {
            if (response != null) {
                response.pause();
            }
        }

        @Override
        public void resume() {
            if (response != null) {
                response.resume();
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                if (request != null) {
                    request.reset();
                }
            }
        }
    }
}
