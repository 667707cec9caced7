package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLHandshakeException;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PfxOptions;

import dev.tally.platform.Ticker;

/**
 * The gateway's HTTP client to the providers on its own, against real HTTP and HTTPS servers on
 * loopback: TLS verifies the certificate and the host name and sends the name (SNI); keep-alive
 * connections are reused until a provider says {@code Connection: close}; calls beyond the pool
 * size wait for a connection. The certificate is made by the JDK's {@code keytool} for the test.
 */
class HttpUpstreamTest {

    private static final String PASSWORD = "test-only";

    static Vertx vertx;
    /** The calls' event loop (a gateway's calls each run on their connection's loop). */
    static Context loop;

    static Path keystore;
    static SslContext trustingTheTestCertificate;

    /** The server name (SNI) of each request's connection, where the client sent one. */
    static final List<String> sni = new CopyOnWriteArrayList<>();

    static final AtomicInteger connections = new AtomicInteger();
    static final AtomicInteger requests = new AtomicInteger();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        keystore = dir.resolve("provider.p12");
        Process keytool = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "provider",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD)
                .redirectErrorStream(true)
                .start();
        String out = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        trustingTheTestCertificate = SslContextBuilder.forClient()
                .trustManager((X509Certificate) ks.getCertificate("provider"))
                .build();
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** Answers every POST with a small JSON body; {@code close} in the path adds Connection: close. */
    private static void answer(HttpServerRequest req) {
        requests.incrementAndGet();
        if (req.connection().indicatedServerName() != null) {
            sni.add(req.connection().indicatedServerName());
        }
        req.body().onSuccess(body -> {
            var resp = req.response().putHeader("content-type", "application/json");
            if (req.path().contains("close")) {
                resp.putHeader("connection", "close");
            }
            resp.end("{\"echo\":" + body.length() + ",\"auth\":\"" + req.getHeader("authorization") + "\"}");
        });
    }

    private static HttpServer server(HttpServerOptions options) {
        return vertx.createHttpServer(options)
                .connectionHandler(c -> connections.incrementAndGet())
                .requestHandler(HttpUpstreamTest::answer)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .join();
    }

    private static HttpServer tlsServer() {
        return server(new HttpServerOptions()
                .setSsl(true)
                .setSni(true)
                .setKeyCertOptions(new PfxOptions().setPath(keystore.toString()).setPassword(PASSWORD)));
    }

    private static HttpUpstream upstream(SslContext tls, int poolSize) {
        return upstream(tls, Map.of("tally.gateway.pool-size", Integer.toString(poolSize)));
    }

    private static HttpUpstream upstream(SslContext tls, Map<String, String> settings) {
        return new HttpUpstream(
                upstreamConfig(settings), new GatewayMetrics(new SimpleMeterRegistry()), Ticker.SYSTEM, vertx, tls);
    }

    private static GatewayConfig upstreamConfig(int poolSize) {
        return upstreamConfig(Map.of("tally.gateway.pool-size", Integer.toString(poolSize)));
    }

    private static GatewayConfig upstreamConfig(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withValidateUnknown(false)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 100))
                .build();
        return config.getConfigMapping(GatewayConfig.class);
    }

    /** What the receiver heard: a status and a body, or a failure. */
    record Answer(int status, String body, Throwable failure) {}

    private static CompletableFuture<Answer> call(HttpUpstream upstream, Provider provider, String path) {
        CompletableFuture<Answer> done = new CompletableFuture<>();
        Upstream.Request request = new Upstream.Request() {
            @Override
            public String requestId() {
                return "test";
            }

            @Override
            public Api api() {
                return Api.CHAT_COMPLETIONS;
            }

            @Override
            public Provider provider() {
                return path == null
                        ? provider
                        : new Provider(
                                provider.name(),
                                provider.kind(),
                                provider.host(),
                                provider.port(),
                                provider.ssl(),
                                path,
                                provider.apiKey());
            }

            @Override
            public String model() {
                return "gpt-4o-mini";
            }

            @Override
            public boolean stream() {
                return false;
            }

            @Override
            public String header(CharSequence name) {
                return null;
            }

            @Override
            public MultiMap headers() {
                return MultiMap.caseInsensitiveMultiMap();
            }

            @Override
            public String query() {
                return null;
            }
        };
        Upstream.Receiver receiver = new Upstream.Receiver() {
            int status;
            final Buffer body = Buffer.buffer();

            @Override
            public void onHead(int s, MultiMap headers) {
                assertThat(Vertx.currentContext())
                        .as("the receiver runs in the call's context")
                        .isNotNull();
                status = s;
            }

            @Override
            public void onChunk(Buffer chunk) {
                body.appendBuffer(chunk);
            }

            @Override
            public void onEnd() {
                done.complete(new Answer(status, body.toString(), null));
            }

            @Override
            public void onFailure(Throwable cause) {
                done.complete(new Answer(status, body.toString(), cause));
            }
        };
        loop.runOnContext(v -> upstream.open(request, receiver).send(Buffer.buffer("{\"model\":\"gpt-4o-mini\"}")));
        return done;
    }

    private static Answer get(CompletableFuture<Answer> f) {
        return f.orTimeout(30, TimeUnit.SECONDS).join();
    }

    private static Provider provider(String host, HttpServer server, boolean ssl) {
        return new Provider("openai", Provider.Kind.OPENAI, host, server.actualPort(), ssl, "/v1", "sk-provider");
    }

    @Test
    void aProviderOverTlsIsReachedWithItsNameSentAndItsCertificateVerified() {
        HttpServer server = tlsServer();
        try {
            sni.clear();
            int before = connections.get();
            HttpUpstream upstream = upstream(trustingTheTestCertificate, 8);
            Provider p = provider("localhost", server, true);
            Answer first = get(call(upstream, p, null));
            Answer second = get(call(upstream, p, null));
            assertThat(first.failure()).isNull();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("{\"echo\":23,\"auth\":\"Bearer sk-provider\"}");
            assertThat(second.body()).isEqualTo(first.body());
            assertThat(sni).containsExactly("localhost", "localhost");
            assertThat(connections.get() - before)
                    .as("one TLS connection, kept alive")
                    .isEqualTo(1);
        } finally {
            server.close();
        }
    }

    @Test
    void aCertificateThatDoesNotNameTheHostIsRefused() {
        HttpServer server = tlsServer();
        try {
            int before = requests.get();
            // the certificate names localhost only; the provider is configured by its address
            Answer a = get(call(upstream(trustingTheTestCertificate, 8), provider("127.0.0.1", server, true), null));
            assertThat(a.failure()).isInstanceOf(SSLHandshakeException.class);
            assertThat(a.status()).isZero();
            assertThat(requests.get()).as("nothing was sent").isEqualTo(before);
        } finally {
            server.close();
        }
    }

    @Test
    void anUntrustedCertificateIsRefused() {
        HttpServer server = tlsServer();
        try {
            int before = requests.get();
            // as in production: the JDK's trust store, which does not know the test's certificate
            HttpUpstream upstream = new HttpUpstream(
                    upstreamConfig(8), new GatewayMetrics(new SimpleMeterRegistry()), Ticker.SYSTEM, vertx);
            Answer a = get(call(upstream, provider("localhost", server, true), null));
            assertThat(a.failure()).isInstanceOf(SSLHandshakeException.class);
            assertThat(requests.get()).as("nothing was sent").isEqualTo(before);
        } finally {
            server.close();
        }
    }

    @Test
    void aConnectionIsReusedUntilTheProviderSaysClose() {
        HttpServer server = server(new HttpServerOptions());
        try {
            HttpUpstream upstream = upstream(trustingTheTestCertificate, 8);
            Provider p = provider("127.0.0.1", server, false);
            int before = connections.get();
            for (int i = 0; i < 3; i++) {
                assertThat(get(call(upstream, p, null)).status()).isEqualTo(200);
            }
            assertThat(connections.get() - before)
                    .as("three calls, one connection")
                    .isEqualTo(1);
            assertThat(get(call(upstream, p, "/close")).status()).isEqualTo(200);
            assertThat(get(call(upstream, p, null)).status()).isEqualTo(200);
            assertThat(connections.get() - before)
                    .as("the connection the provider closed is not reused")
                    .isEqualTo(2);
        } finally {
            server.close();
        }
    }

    @Test
    void callsBeyondThePoolSizeWaitForAConnection() {
        HttpServer server = server(new HttpServerOptions());
        try {
            HttpUpstream upstream = upstream(trustingTheTestCertificate, 1);
            Provider p = provider("127.0.0.1", server, false);
            int before = connections.get();
            List<CompletableFuture<Answer>> calls = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                calls.add(call(upstream, p, null));
            }
            for (CompletableFuture<Answer> c : calls) {
                assertThat(get(c).status()).isEqualTo(200);
            }
            assertThat(connections.get() - before)
                    .as("a pool of one connection")
                    .isEqualTo(1);
        } finally {
            server.close();
        }
    }

    @Test
    void aProviderBehindTheProxyIsReachedThroughItsTunnelWithTlsToTheProviderInside(@TempDir Path dir)
            throws Exception {
        HttpServer server = tlsServer();
        try (Tinyproxy tinyproxy = Tinyproxy.start(dir)) {
            sni.clear();
            HttpUpstream upstream = upstream(
                    trustingTheTestCertificate,
                    Map.of("tally.gateway.proxy.url", "http://tally:s3cret@127.0.0.1:" + tinyproxy.port));
            Provider p = provider("localhost", server, true);
            Answer first = get(call(upstream, p, null));
            Answer second = get(call(upstream, p, null));
            assertThat(first.failure()).isNull();
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("{\"echo\":23,\"auth\":\"Bearer sk-provider\"}");
            assertThat(second.status()).isEqualTo(200);
            assertThat(sni)
                    .as("TLS from the gateway to the provider, through the tunnel")
                    .containsExactly("localhost", "localhost");
            assertThat(tinyproxy.connects())
                    .as("one tunnel to the provider's name and port, kept alive for both calls")
                    .containsExactly("CONNECT localhost:" + server.actualPort());
        } finally {
            server.close();
        }
    }

    @Test
    void aProxyThatRefusesTheCredentialsFailsTheCallAndNothingReachesTheProvider(@TempDir Path dir) throws Exception {
        HttpServer server = tlsServer();
        try (Tinyproxy tinyproxy = Tinyproxy.start(dir)) {
            int before = requests.get();
            HttpUpstream upstream = upstream(
                    trustingTheTestCertificate,
                    Map.of("tally.gateway.proxy.url", "http://tally:wrong@127.0.0.1:" + tinyproxy.port));
            Answer a = get(call(upstream, provider("localhost", server, true), null));
            assertThat(a.failure()).isInstanceOf(ProxyConnectException.class);
            assertThat(a.failure().getMessage()).contains("401").doesNotContain("wrong");
            assertThat(a.status()).isZero();
            assertThat(requests.get()).as("nothing was sent").isEqualTo(before);
        } finally {
            server.close();
        }
    }

    @Test
    void aHostOnTheNoProxyListIsReachedDirectlyAndAnyOtherOnlyThroughTheProxy() throws Exception {
        HttpServer server = tlsServer();
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort(); // no proxy listens here once it is closed
        }
        try {
            HttpUpstream upstream = upstream(
                    trustingTheTestCertificate,
                    Map.of(
                            "tally.gateway.proxy.url",
                            "http://127.0.0.1:" + closed,
                            "tally.gateway.proxy.no-proxy",
                            "localhost"));
            assertThat(get(call(upstream, provider("localhost", server, true), null))
                            .status())
                    .isEqualTo(200);
            Answer viaProxy = get(call(upstream, provider("127.0.0.1", server, true), null));
            assertThat(viaProxy.failure()).isInstanceOf(ConnectException.class);
            assertThat(viaProxy.failure().getMessage()).contains("127.0.0.1:" + closed);
        } finally {
            server.close();
        }
    }

    @Test
    void aProxyThatDoesNotOpenTheTunnelInTimeIsAConnectTimeout() throws Exception {
        // a proxy that takes the connection and never answers the CONNECT
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpUpstream upstream = upstream(
                    trustingTheTestCertificate,
                    Map.of(
                            "tally.gateway.proxy.url",
                            "http://127.0.0.1:" + silent.getLocalPort(),
                            "tally.gateway.connect-timeout",
                            "1s"));
            Answer a = get(call(
                    upstream,
                    new Provider("openai", Provider.Kind.OPENAI, "localhost", 443, true, "/v1", "sk-provider"),
                    null));
            assertThat(a.failure()).isInstanceOf(ConnectTimeoutException.class);
            assertThat(a.failure().getMessage())
                    .isEqualTo("the proxy did not open a tunnel in time: no answer to CONNECT within 1000 ms");
            assertThat(held).as("the gateway did reach the proxy").isNotEmpty();
            Socket toGateway = held.get(0);
            toGateway.setSoTimeout(10_000); // read to the end: the gateway closed the connection it gave up on
            assertThat(new String(toGateway.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                    .startsWith("CONNECT localhost:443 HTTP/1.1");
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /**
     * A real HTTP proxy (Debian's {@code tinyproxy}) on loopback with Basic authentication
     * ({@code tally:s3cret}); the tests that need it are skipped, saying why, where it is not installed
     * ({@code .ci/run} installs it).
     */
    static final class Tinyproxy implements AutoCloseable {
        final int port;
        final Process process;
        final Path log;

        private Tinyproxy(int port, Process process, Path log) {
            this.port = port;
            this.process = process;
            this.log = log;
        }

        static Tinyproxy start(Path dir) throws Exception {
            Path binary = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                    .map(d -> Path.of(d, "tinyproxy"))
                    .filter(Files::isExecutable)
                    .findFirst()
                    .orElse(null);
            Assumptions.assumeTrue(
                    binary != null,
                    "tinyproxy is not installed (apt-get install tinyproxy): the proxy tests are skipped");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Path log = dir.resolve("tinyproxy.log");
            Path conf = dir.resolve("tinyproxy.conf");
            Files.writeString(
                    conf,
                    String.join(
                            "\n",
                            "Port " + port,
                            "Listen 127.0.0.1",
                            "Timeout 60",
                            "LogFile \"" + log + "\"",
                            "LogLevel Connect",
                            "MaxClients 20",
                            "Allow 127.0.0.1",
                            "BasicAuth tally s3cret",
                            ""));
            Process p = new ProcessBuilder(binary.toString(), "-d", "-c", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("tinyproxy.out").toFile())
                    .start();
            Tinyproxy t = new Tinyproxy(port, p, log);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                assertThat(p.isAlive()).as("tinyproxy runs").isTrue();
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            return t;
        }

        /** The CONNECT requests it logged ("CONNECT host:port"). */
        List<String> connects() throws IOException {
            return Files.readAllLines(log).stream()
                    .filter(l -> l.contains("]: Request (file descriptor"))
                    .map(l -> l.substring(l.indexOf("): ") + 3).replace(" HTTP/1.1", ""))
                    .toList();
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
