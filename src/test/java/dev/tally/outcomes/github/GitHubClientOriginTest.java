package dev.tally.outcomes.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.tally.outcomes.config.GitHubConfig;

/**
 * The GitHub token goes only to the configured API's origin: a fake GitHub API that names another host
 * in {@code Link: rel="next"} or redirects there gets a refusal, and the other host never sees a request.
 * Pages and redirects within the API's origin (GitHub redirects a renamed repository) are still followed.
 */
class GitHubClientOriginTest {

    private static final String TOKEN = "ghp_origin_test_token";
    private static final String COMMITS = "/repos/acme/app/pulls/7/commits";

    /** The configured API: each test sets how it answers. */
    private HttpServer api;
    /** Another origin (another port): it must never be asked anything. */
    private HttpServer foreign;

    private final List<String> foreignRequests = new CopyOnWriteArrayList<>();
    private final List<String> apiRequests = new CopyOnWriteArrayList<>();
    private volatile Consumer<HttpExchange> apiAnswer;

    @BeforeEach
    void start() throws IOException {
        api = server(ex -> {
            apiRequests.add(
                    ex.getRequestURI() + " auth=" + ex.getRequestHeaders().getFirst("Authorization"));
            apiAnswer.accept(ex);
        });
        foreign = server(ex -> {
            foreignRequests.add(
                    ex.getRequestURI() + " auth=" + ex.getRequestHeaders().getFirst("Authorization"));
            send(ex, 200, commits("from the foreign host"), null, null);
        });
    }

    @AfterEach
    void stop() {
        api.stop(0);
        foreign.stop(0);
    }

    @Test
    void aLinkNextToAnotherHostIsRefusedAndThatHostIsNeverCalled() {
        apiAnswer = ex -> send(
                ex,
                200,
                commits("page one"),
                "<" + base(foreign) + COMMITS + "?per_page=100&page=2>; rel=\"next\"",
                null);

        assertThatThrownBy(() -> client().commitMessages("acme/app", 7))
                .isInstanceOf(GitHubApiException.class)
                .hasMessageContaining("Link rel=\"next\"")
                .hasMessageContaining("points outside the configured GitHub API (" + base(api) + ")")
                .hasMessageContaining(base(foreign) + " refused");
        assertThat(apiRequests).hasSize(1);
        assertThat(foreignRequests).isEmpty();
    }

    @Test
    void aRedirectToAnotherHostIsRefusedAndThatHostIsNeverCalled() {
        apiAnswer = ex -> send(ex, 302, "", null, base(foreign) + COMMITS + "?per_page=100");

        assertThatThrownBy(() -> client().commitMessages("acme/app", 7))
                .isInstanceOf(GitHubApiException.class)
                .hasMessageContaining("redirect (302)")
                .hasMessageContaining(base(foreign) + " refused");
        assertThat(foreignRequests).isEmpty();
    }

    @Test
    void redirectsAndPagesWithinTheApiOriginAreFollowedWithTheToken() throws Exception {
        // a renamed repository: GitHub answers 301 to the repository's id-based URL, then pages as usual
        apiAnswer = ex -> {
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getQuery();
            if (path.equals(COMMITS)) {
                send(
                        ex,
                        301,
                        "{\"message\":\"Moved Permanently\"}",
                        null,
                        base(api) + "/repositories/42/pulls/7/commits?per_page=100");
            } else if (query.contains("page=2")) {
                send(ex, 200, commits("page two"), null, null);
            } else {
                // a relative reference is resolved against the page, as RFC 8288 says
                send(
                        ex,
                        200,
                        commits("page one"),
                        "</repositories/42/pulls/7/commits?per_page=100&page=2>; rel=\"next\"",
                        null);
            }
        };

        assertThat(client().commitMessages("acme/app", 7)).containsExactly("page one", "page two");
        assertThat(apiRequests).hasSize(3).allMatch(r -> r.endsWith("auth=Bearer " + TOKEN));
        assertThat(foreignRequests).isEmpty();
    }

    @Test
    void aRedirectLoopStopsWithAnError() {
        apiAnswer = ex -> send(ex, 307, "", null, base(api) + COMMITS + "?per_page=100");

        assertThatThrownBy(() -> client().commitMessages("acme/app", 7))
                .isInstanceOf(GitHubApiException.class)
                .hasMessageContaining("more than " + GitHubClient.MAX_REDIRECTS + " redirects");
        assertThat(apiRequests).hasSize(GitHubClient.MAX_REDIRECTS + 1);
    }

    @Test
    void aLinkHeaderThatIsNotAUrlIsAnApiErrorNotACrash() {
        apiAnswer = ex -> send(ex, 200, commits("page one"), "<http://[::1>; rel=\"next\"", null);

        assertThatThrownBy(() -> client().commitMessages("acme/app", 7))
                .isInstanceOf(GitHubApiException.class)
                .hasMessageContaining("is not a URL");
    }

    @Test
    void originComparesSchemeHostAndPortWithDefaults() {
        URI api = URI.create("https://api.github.com");
        assertThat(GitHubClient.sameOrigin(api, URI.create("https://API.GitHub.com:443/repos/x")))
                .isTrue();
        assertThat(GitHubClient.sameOrigin(api, URI.create("http://api.github.com/repos/x")))
                .isFalse();
        assertThat(GitHubClient.sameOrigin(api, URI.create("https://api.github.com:8443/repos/x")))
                .isFalse();
        assertThat(GitHubClient.sameOrigin(api, URI.create("https://api.github.com.evil.example/repos/x")))
                .isFalse();
        assertThat(GitHubClient.sameOrigin(api, URI.create("https://evil@api.github.com/repos/x")))
                .isFalse();
        assertThat(GitHubClient.sameOrigin(
                        URI.create("https://ghe.example/api/v3"),
                        URI.create("https://ghe.example/api/v3/repos/x?page=2")))
                .isTrue();
    }

    private GitHubClient client() {
        String url = base(api);
        GitHubConfig config = new GitHubConfig() {
            @Override
            public Optional<String> webhookSecret() {
                return Optional.empty();
            }

            @Override
            public Optional<String> token() {
                return Optional.of(TOKEN);
            }

            @Override
            public String apiUrl() {
                return url;
            }

            @Override
            public Duration apiTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public int maxAttempts() {
                return 1;
            }

            @Override
            public Duration retryAfter() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Duration retryEvery() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Duration processingTimeout() {
                return Duration.ofMinutes(5);
            }
        };
        return new GitHubClient(config, new ObjectMapper());
    }

    private static String commits(String message) {
        return "[{\"sha\":\"6dcb09b5b57875f334f61aebed695e2e4193db5e\",\"commit\":{\"message\":\"" + message + "\"}}]";
    }

    private static String base(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort();
    }

    private static HttpServer server(Consumer<HttpExchange> handler) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            try (ex) {
                handler.accept(ex);
            }
        });
        s.start();
        return s;
    }

    private static void send(HttpExchange ex, int status, String body, String link, String location) {
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            if (link != null) {
                ex.getResponseHeaders().set("Link", link);
            }
            if (location != null) {
                ex.getResponseHeaders().set("Location", location);
            }
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
