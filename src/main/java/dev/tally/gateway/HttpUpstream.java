package dev.tally.gateway;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.impl.headers.HeadersAdaptor;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;

import dev.tally.platform.Ticker;

/**
 * A provider over HTTP/1.1, on Netty's HTTP codec directly (docs/adr/0018): the client's body as it
 * came (or as admission rewrote it), the provider's secret instead of the client's key, a few
 * forwarded headers, and the answer streamed back to the receiver with backpressure.
 *
 * <p>Each event loop keeps its own keep-alive connections to each provider, on that loop, so a call
 * never changes threads, and the receiver is called in the call's Vert.x context, as Vert.x's own
 * client would call it. A connection is reused only after an answer it read to its end, whose
 * request went out whole, and that did not say {@code Connection: close}; it closes after a minute
 * unused. TLS verifies the provider's certificate and host name, and sends the name (SNI).
 */
@Singleton // no client proxy: called on every gateway request
class HttpUpstream implements Upstream {

    private static final Logger LOG = Logger.getLogger(HttpUpstream.class);

    /** An unused pooled connection closes after this long (providers close theirs after about as long). */
    static final int IDLE_SECONDS = 60;

    private final GatewayMetrics metrics;
    private final Ticker ticker;
    private final ChannelFactory<? extends Channel> channels;
    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final SslContext tls;
    private final int connectTimeoutMs;
    private final int poolSize;
    private final List<CharSequence> forwardHeaders;
    /** Header name prefixes forwarded ({@code x-stainless-} from {@code x-stainless-*}), lower case. */
    private final String[] forwardPrefixes;

    /** Per API (by ordinal): the configured query parameters and the ones the API documents. */
    private final QueryFilter[] queries;
    /** Per API (by ordinal): the HTTP method of the provider's call, the client's. */
    private static final HttpMethod[] METHODS = methods();

    private static HttpMethod[] methods() {
        Api[] apis = Api.values();
        HttpMethod[] m = new HttpMethod[apis.length];
        for (Api api : apis) {
            m[api.ordinal()] = HttpMethod.valueOf(api.method);
        }
        return m;
    }

    /** The HTTP proxy to the providers, or null: directly. */
    private final UpstreamProxy proxy;

    /** This event loop's pools, one per provider (only touched on its own thread). */
    private final ThreadLocal<HashMap<Provider, Pool>> pools = ThreadLocal.withInitial(HashMap::new);

    private final List<Pool> allPools = new CopyOnWriteArrayList<>();

    @Inject
    HttpUpstream(GatewayConfig config, GatewayMetrics metrics, Ticker ticker, Vertx vertx) {
        this(config, metrics, ticker, vertx, defaultTls());
    }

    /** With the TLS context given (a test's, trusting its own certificate). */
    HttpUpstream(GatewayConfig config, GatewayMetrics metrics, Ticker ticker, Vertx vertx, SslContext tls) {
        this.metrics = metrics;
        this.ticker = ticker;
        VertxInternal v = (VertxInternal) vertx;
        // Vert.x's transport (NIO, or epoll when Quarkus prefers native) and its non-blocking resolver
        this.channels = v.transport().channelFactory(false);
        this.resolver = v.nettyAddressResolverGroup();
        this.tls = tls;
        this.connectTimeoutMs =
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis());
        this.poolSize = config.poolSize();
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
        Api[] apis = Api.values();
        this.queries = new QueryFilter[apis.length];
        for (Api api : apis) {
            List<String> names = new ArrayList<>(config.forwardQueryParams());
            names.addAll(api.queryParams);
            queries[api.ordinal()] = new QueryFilter(names);
        }
        this.proxy = UpstreamProxy.of(config.proxy().url(), config.proxy().noProxy());
        if (proxy != null) {
            LOG.infof("the calls to the providers go through the HTTP proxy %s", proxy);
        }
    }

    /** The JDK's TLS with its default trust store (the providers' public certificates). */
    private static SslContext defaultTls() {
        try {
            return SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS for the providers could not be set up", e);
        }
    }

    /** Closes the idle connections (a stopping gateway has drained its calls before this). */
    @PreDestroy
    void close() {
        for (Pool p : allPools) {
            try {
                p.loop.execute(p::closeAll);
            } catch (RejectedExecutionException e) {
                // the event loop has stopped: its channels are closed with it
            }
        }
    }

    @Override
    public Exchange open(Request request, Receiver receiver) {
        return new HttpExchange(request, receiver);
    }

    /** This event loop's pool for the provider (made on the call's loop, the first time). */
    private Pool pool(Provider provider, ContextInternal ctx) {
        HashMap<Provider, Pool> mine = pools.get();
        Pool p = mine.get(provider);
        if (p == null) {
            p = new Pool(provider, ctx.nettyEventLoop());
            mine.put(provider, p);
            allPools.add(p);
        }
        return p;
    }

    /** The request as the provider gets it. */
    private DefaultFullHttpRequest request(Request call, Buffer body) {
        Provider provider = call.provider();
        DefaultHttpHeaders h = new DefaultHttpHeaders(false); // names and values checked where they came in
        boolean defaultPort = provider.port() == (provider.ssl() ? 443 : 80);
        h.add(HttpHeaderNames.HOST, defaultPort ? provider.host() : provider.host() + ":" + provider.port());
        h.add(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        String accept = call.header(HttpHeaderNames.ACCEPT);
        h.add(
                HttpHeaderNames.ACCEPT,
                accept != null
                        ? accept
                        : call.stream() ? HttpHeaderValues.TEXT_EVENT_STREAM : HttpHeaderValues.APPLICATION_JSON);
        String connection = call.header(HttpHeaders.CONNECTION);
        for (CharSequence name : forwardHeaders) {
            String v = call.header(name);
            // a header the client's Connection names belongs to its hop only (RFC 9110, 7.6.1)
            if (v != null && (connection == null || !HopByHop.names(connection, name.toString()))) {
                h.set(name, v);
            }
        }
        if (forwardPrefixes.length > 0) {
            for (var e : call.headers()) {
                if (forwardedByPrefix(e.getKey()) && (connection == null || !HopByHop.names(connection, e.getKey()))) {
                    h.add(e.getKey(), e.getValue());
                }
            }
        }
        if (provider.apiKey() != null) {
            if (provider.kind() == Provider.Kind.ANTHROPIC) {
                h.set("x-api-key", provider.apiKey());
            } else {
                h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + provider.apiKey());
            }
        }
        h.set(HttpHeaderNames.CONTENT_LENGTH, body.length());
        // the body's bytes are not copied: a Vert.x buffer's ByteBuf is not released by the write
        return new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1,
                METHODS[call.api().ordinal()],
                uri(call),
                body.getByteBuf(),
                h,
                EmptyHttpHeaders.INSTANCE);
    }

    /** The provider's path for the call, with the client's query parameters that are forwarded. */
    private String uri(Request call) {
        String path = call.provider().upstreamPath(call.path());
        String raw = call.query();
        if (raw == null || raw.isEmpty()) {
            return path;
        }
        QueryFilter.Result kept = queries[call.api().ordinal()].filter(raw);
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

    /** Tells the receiver of a failure, in the call's context. */
    private static void fail(HttpExchange x, Throwable cause) {
        ContextInternal prev = x.ctx.beginDispatch();
        try {
            x.receiver.onFailure(cause);
        } finally {
            x.ctx.endDispatch(prev);
        }
    }

    /**
     * One event loop's connections to one provider: idle ones, how many are open (at most the pool
     * size) and the calls waiting for one. Only used on its loop.
     */
    private final class Pool {
        final Provider provider;
        final EventLoop loop;
        final ArrayDeque<Connection> idle = new ArrayDeque<>();
        final ArrayDeque<HttpExchange> waiting = new ArrayDeque<>();
        int open;

        Pool(Provider provider, EventLoop loop) {
            this.provider = provider;
            this.loop = loop;
        }

        void acquire(HttpExchange x) {
            Connection c;
            // the most recently used first: its caches and the provider's side of it are warmest
            while ((c = idle.pollLast()) != null) {
                if (c.channel.isActive()) {
                    c.start(x);
                    return;
                }
            }
            if (open < poolSize) {
                connect(x);
            } else {
                waiting.add(x);
            }
        }

        private void connect(HttpExchange x) {
            open++;
            if (proxy == null || !proxy.covers(provider.host())) {
                connect(x, null);
                return;
            }
            // the proxy's name through the loop's non-blocking resolver; the provider's is the proxy's to resolve
            resolver.getResolver(loop).resolve(proxy.address()).addListener((Future<InetSocketAddress> r) -> {
                if (!loop.inEventLoop()) {
                    loop.execute(() -> resolved(x, r));
                } else {
                    resolved(x, r);
                }
            });
        }

        private void resolved(HttpExchange x, Future<InetSocketAddress> r) {
            if (r.isSuccess()) {
                connect(x, proxy.handler(r.getNow()));
            } else {
                connectFailed(x, r.cause());
            }
        }

        /** A new connection to the provider, through the proxy's tunnel when {@code tunnel} is given. */
        private void connect(HttpExchange x, HttpProxyHandler tunnel) {
            Bootstrap b = new Bootstrap()
                    .group(loop)
                    .channelFactory(channels)
                    .resolver(tunnel == null ? resolver : NoopAddressResolverGroup.INSTANCE)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            if (tunnel != null) {
                                ch.pipeline().addLast(tunnel);
                            }
                            if (provider.ssl()) {
                                ch.pipeline().addLast(tlsHandler(ch));
                            }
                            ch.pipeline()
                                    .addLast(new HttpClientCodec())
                                    .addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                    .addLast(new Connection(Pool.this, ch));
                        }
                    });
            ChannelFuture connecting = tunnel == null
                    ? b.connect(provider.host(), provider.port())
                    : b.connect(InetSocketAddress.createUnresolved(provider.host(), provider.port()));
            connecting.addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    connectFailed(x, f.cause());
                } else if (tunnel == null) {
                    connected(x, f.channel());
                } else {
                    awaitTunnel(x, f.channel(), tunnel);
                }
            });
        }

        /**
         * Connected to the proxy: the call goes once it has opened the tunnel. If it refuses, it (or the
         * proxy handler) closes the channel, whose Connection then counts it closed (no connectFailed).
         * If it does not answer the CONNECT within the connect timeout, the timer closes the channel and
         * the call fails as a provider that does not accept the connection in time does (a 504). The
         * timer is Tally's, not the proxy handler's (whose timeout is off): Netty tells its own timeout
         * apart from other refusals only by the words of its message.
         */
        private void awaitTunnel(HttpExchange x, Channel ch, HttpProxyHandler tunnel) {
            boolean[] timedOut = {false};
            ScheduledFuture<?> timer = ch.eventLoop()
                    .schedule(
                            () -> {
                                timedOut[0] = true;
                                ch.close(); // the tunnel's promise then fails ("disconnected")
                            },
                            connectTimeoutMs,
                            TimeUnit.MILLISECONDS);
            tunnel.connectFuture().addListener((Future<Channel> t) -> {
                timer.cancel(false);
                if (t.isSuccess()) {
                    connected(x, ch);
                } else if (!x.cancelled) {
                    fail(
                            x,
                            timedOut[0]
                                    ? new ConnectTimeoutException("the proxy did not open a tunnel in time: "
                                            + "no answer to CONNECT within " + connectTimeoutMs + " ms")
                                    : t.cause());
                }
            });
        }

        private void connected(HttpExchange x, Channel ch) {
            Connection c = ch.pipeline().get(Connection.class);
            if (x.cancelled) {
                release(c); // the call left while it connected: the next one uses it
            } else {
                c.start(x);
            }
        }

        private void connectFailed(HttpExchange x, Throwable cause) {
            open--;
            if (!x.cancelled) {
                fail(x, cause);
            }
            connectForWaiting();
        }

        private SslHandler tlsHandler(Channel ch) {
            // the host name is checked against the certificate and goes out as SNI, also a name
            // without a dot, which the JDK would leave out (as Vert.x's forceSni did)
            SslHandler h = tls.newHandler(ch.alloc(), provider.host(), provider.port());
            SSLEngine engine = h.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            if (!NetUtil.isValidIpV4Address(provider.host()) && !NetUtil.isValidIpV6Address(provider.host())) {
                params.setServerNames(List.of(new SNIHostName(provider.host())));
            }
            engine.setSSLParameters(params);
            return h;
        }

        /** A connection whose exchange ended cleanly: to the next waiting call, or idle. */
        void release(Connection c) {
            HttpExchange x;
            while ((x = waiting.poll()) != null) {
                if (!x.cancelled) {
                    c.start(x);
                    return;
                }
            }
            idle.addLast(c);
        }

        void closed(Connection c) {
            open--;
            idle.remove(c);
            connectForWaiting();
        }

        private void connectForWaiting() {
            HttpExchange x;
            while (open < poolSize && (x = waiting.poll()) != null) {
                if (!x.cancelled) {
                    connect(x);
                }
            }
        }

        void closeAll() {
            for (Connection c : List.copyOf(idle)) {
                c.channel.close();
            }
        }
    }

    /** One connection to a provider, and the exchange it serves, if any. */
    private final class Connection extends SimpleChannelInboundHandler<HttpObject> {
        final Pool pool;
        final Channel channel;
        HttpExchange current;
        boolean keepAlive;
        boolean written;

        Connection(Pool pool, Channel channel) {
            this.pool = pool;
            this.channel = channel;
        }

        void start(HttpExchange x) {
            current = x;
            written = false;
            keepAlive = true;
            x.connection = this;
            channel.writeAndFlush(request(x.call, x.body)).addListener(f -> {
                if (f.isSuccess()) {
                    written = true;
                } else if (current == x) {
                    current = null;
                    channel.close();
                    fail(x, f.cause());
                }
            });
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            HttpExchange x = current;
            if (x == null) {
                return; // what is left of an answer nobody waits for (cancelled): the connection is closing
            }
            ContextInternal prev = x.ctx.beginDispatch();
            try {
                read(x, msg);
            } finally {
                x.ctx.endDispatch(prev);
            }
        }

        private void read(HttpExchange x, HttpObject msg) {
            if (msg.decoderResult().isFailure()) {
                current = null;
                channel.close();
                x.receiver.onFailure(msg.decoderResult().cause());
                return;
            }
            if (msg instanceof HttpResponse r) {
                int status = r.status().code();
                if (status < 200) {
                    return; // an interim answer; the final one follows
                }
                keepAlive = HttpUtil.isKeepAlive(r);
                metrics.upstream(pool.provider.name(), ticker.nanoTime() - x.sent);
                x.receiver.onHead(status, new HeadersAdaptor(r.headers()));
            }
            if (msg instanceof HttpContent c) {
                if (c.content().isReadable() && current == x) {
                    // a copy: the codec's buffer is pooled and released after this read, while the
                    // relay's taps read a chunk after it is written
                    x.receiver.onChunk(Buffer.buffer(Unpooled.copiedBuffer(c.content())));
                }
                if (msg instanceof LastHttpContent && current == x) {
                    current = null;
                    x.connection = null;
                    channel.config().setAutoRead(true);
                    x.receiver.onEnd();
                    if (keepAlive && written && channel.isActive()) {
                        pool.release(this);
                    } else {
                        channel.close();
                    }
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            pool.closed(this);
            HttpExchange x = current;
            current = null;
            if (x != null && !x.cancelled) {
                fail(x, new VertxException("Connection was closed", true));
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            HttpExchange x = current;
            current = null;
            channel.close();
            if (x != null && !x.cancelled) {
                fail(x, cause);
            } else {
                LOG.debugf("a connection to provider %s failed: %s", pool.provider.name(), cause.toString());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent && current == null) {
                channel.close();
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    /** One call to the provider: a connection from the pool, the request, then the answer. */
    private final class HttpExchange implements Exchange {
        final Request call;
        final Receiver receiver;
        Buffer body;
        long sent;
        /** The call's Vert.x context: the receiver runs in it. */
        ContextInternal ctx;

        Connection connection;
        boolean cancelled;

        HttpExchange(Request call, Receiver receiver) {
            this.call = call;
            this.receiver = receiver;
        }

        @Override
        public void send(Buffer body) {
            this.body = body;
            this.sent = ticker.nanoTime();
            this.ctx = (ContextInternal) Vertx.currentContext();
            if (ctx == null || !ctx.isEventLoopContext()) {
                throw new IllegalStateException("an upstream exchange is sent from its call's event loop");
            }
            pool(call.provider(), ctx).acquire(this);
        }

        @Override
        public void pause() {
            Connection c = connection;
            if (c != null) {
                c.channel.config().setAutoRead(false);
            }
        }

        @Override
        public void resume() {
            Connection c = connection;
            if (c != null) {
                c.channel.config().setAutoRead(true);
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                Connection c = connection;
                if (c != null && c.current == this) {
                    c.current = null;
                    c.channel.close();
                }
            }
        }
    }
}
