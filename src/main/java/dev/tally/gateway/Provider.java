package dev.tally.gateway;

import java.net.URI;
import java.util.Locale;

/**
 * One upstream. {@code kind} decides the wire details: how the secret is sent (Anthropic
 * {@code x-api-key}, OpenAI {@code Authorization: Bearer}) and how paths are joined (an OpenAI-style
 * base URL already ends in {@code /v1}; Anthropic's does not).
 */
public record Provider(String name, Kind kind, String host, int port, boolean ssl, String basePath, String apiKey) {

    public enum Kind {
        OPENAI,
        ANTHROPIC,
        SIMULATED
    }

    public static final String SIMULATED_NAME = "simulated";

    public static Provider simulated() {
        return new Provider(SIMULATED_NAME, Kind.SIMULATED, "", 0, false, "", null);
    }

    public static Provider of(String name, String baseUrl, String apiKey, String kind) {
        URI uri = URI.create(baseUrl.trim());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("provider " + name + ": base URL " + baseUrl + " is not an http(s) URL");
        }
        boolean ssl = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Kind k;
        if (kind != null && !kind.isBlank()) {
            k = Kind.valueOf(kind.trim().toUpperCase(Locale.ROOT));
        } else {
            k = name.equals("anthropic") ? Kind.ANTHROPIC : Kind.OPENAI;
        }
        return new Provider(
                name, k, uri.getHost(), port, ssl, path, apiKey == null || apiKey.isBlank() ? null : apiKey);
    }

    /** The upstream path for a gateway path such as {@code /v1/chat/completions}. */
    public String upstreamPath(String gatewayPath) {
        if (kind == Kind.ANTHROPIC) {
            return basePath + gatewayPath;
        }
        // OpenAI-style base URLs end in /v1 (https://api.openai.com/v1, http://vllm:8000/v1)
        return basePath + gatewayPath.substring("/v1".length());
    }

    @Override
    public String toString() {
        return name + "(" + kind + " " + (ssl ? "https" : "http") + "://" + host + ":" + port + basePath + ")";
    }
}
