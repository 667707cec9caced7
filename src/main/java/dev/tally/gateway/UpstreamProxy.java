package dev.tally.gateway;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.netty.handler.proxy.HttpProxyHandler;

/**
 * The HTTP proxy that the calls to the providers go through, where a company's network lets them
 * out only that way ({@code tally.gateway.proxy.url}): each connection to a provider is a
 * {@code CONNECT} tunnel through it (TLS to the provider inside the tunnel, so the proxy sees the
 * provider's name and port and nothing of the calls), with Basic authentication when the URL carries
 * a user. Hosts on the no-proxy list are reached directly. The password is never logged or shown
 * ({@link #toString}).
 */
final class UpstreamProxy {

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    /** Lower-case host names or addresses; a name covers its subdomains; {@code *} covers every host. */
    private final List<String> noProxy;

    private UpstreamProxy(String host, int port, String user, String password, List<String> noProxy) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.noProxy = noProxy;
    }

    /**
     * The proxy configured, or null for none.
     *
     * @throws IllegalArgumentException when the URL is not {@code http://[user:password@]host[:port]}
     */
    static UpstreamProxy of(Optional<String> url, Optional<List<String>> noProxy) {
        if (url.isEmpty() || url.get().isBlank()) {
            return null;
        }
        URI u;
        try {
            u = new URI(url.get().trim());
        } catch (URISyntaxException e) {
            throw bad(url.get(), "not a URL");
        }
        if (!"http".equalsIgnoreCase(u.getScheme())) {
            throw bad(url.get(), "the scheme must be http (TLS to the providers runs inside the tunnel)");
        }
        if (u.getHost() == null) {
            throw bad(url.get(), "no host");
        }
        if (u.getRawPath() != null
                        && !u.getRawPath().isEmpty()
                        && !u.getRawPath().equals("/")
                || u.getRawQuery() != null) {
            throw bad(url.get(), "a proxy URL has no path or query");
        }
        String user = null;
        String password = null;
        if (u.getRawUserInfo() != null) {
            String info = u.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String host = u.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        List<String> bypass = noProxy.orElse(List.of()).stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .map(s -> s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s)
                .map(s -> s.startsWith("*.") ? s.substring(1) : s)
                .filter(s -> !s.isEmpty())
                .toList();
        return new UpstreamProxy(host, u.getPort() < 0 ? 80 : u.getPort(), user, password, bypass);
    }

    private static IllegalArgumentException bad(String url, String why) {
        // the URL is not echoed: it may carry the proxy's password
        return new IllegalArgumentException(
                "tally.gateway.proxy.url is not http://[user:password@]host[:port]: " + why);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** True when a provider at this host is reached through the proxy (not on the no-proxy list). */
    boolean covers(String providerHost) {
        String h = providerHost.toLowerCase(Locale.ROOT);
        for (String n : noProxy) {
            String base = n.startsWith(".") ? n.substring(1) : n;
            if (n.equals("*") || h.equals(base) || h.endsWith("." + base)) {
                return false;
            }
        }
        return true;
    }

    /** The proxy's address, unresolved (the event loop's resolver resolves it at each connection). */
    InetSocketAddress address() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** The handler that opens the tunnel to the provider, first in a connection's pipeline. */
    HttpProxyHandler handler(InetSocketAddress resolved) {
        HttpProxyHandler h =
                user == null ? new HttpProxyHandler(resolved) : new HttpProxyHandler(resolved, user, password);
        h.setConnectTimeoutMillis(0); // off: HttpUpstream times the tunnel itself
        return h;
    }

    @Override
    public String toString() {
        return (user == null ? "" : user + ":***@") + host + ":" + port
                + (noProxy.isEmpty() ? "" : " (direct: " + String.join(", ", noProxy) + ")");
    }
}
