package dev.tally.outcomes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A local stand-in for the GitHub REST API's "list commits on a pull request" endpoint
 * ({@code GET /repos/{owner}/{repo}/pulls/{number}/commits}), answering as GitHub documents it:
 * a JSON array of commit objects, pages of {@code per_page} with a {@code Link: <…>; rel="next"}
 * header, {@code 401 Bad credentials} without the right bearer token, {@code 404 Not Found} for an
 * unknown pull request. Also "compare two commits" ({@code GET /repos/{owner}/{repo}/compare/{base}...{head}}),
 * answering {@code src/test/resources/github/api/{owner}/{repo}/compare/{base}...{head}.json}, else 404,
 * and "list reviews for a pull request" ({@code GET /repos/{owner}/{repo}/pulls/{number}/reviews}),
 * answering {@code {number}.reviews.json}, {@code []} for a known pull request without that file, else 404.
 * The commits come from {@code src/test/resources/github/api/{owner}/{repo}/{number}.json}
 * ({@code {number}.page2.json} for a second page). A repository whose name contains {@code flaky}
 * answers 502 to its first request, like a GitHub outage.
 *
 * <p>Also sets the webhook secret, the token and the outcome rules the outcome tests rely on.
 */
public class FakeGitHubApi implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "ghp_test_token_for_the_fake_api";
    public static final String WEBHOOK_SECRET = "test-webhook-secret-It's a Secret to Everybody";
    /** Repositories matching this pattern map to {@link #CONFIG_TEAM} through {@code tally.outcomes.repo-teams}. */
    public static final String CONFIG_PATTERN = "cfg-mapped/*";

    public static final String CONFIG_TEAM = "Outcomes Config Team";
    /** Repositories of the end-to-end test, mapped to their own team so its counts are its own. */
    public static final String E2E_PATTERN = "e2e-org/*";

    public static final String E2E_TEAM = "Outcomes E2E Repo Team";
    public static final String AI_SARIF_TOOL = "Claude Code Security Review";

    private static final Pattern PATH = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)/commits");
    private static final Pattern REVIEWS = Pattern.compile("/repos/([^/]+)/([^/]+)/pulls/(\\d+)/reviews");
    private static final Pattern COMPARE =
            Pattern.compile("/repos/([^/]+)/([^/]+)/compare/([0-9a-f]+)\\.\\.\\.([0-9a-f]+)");

    private HttpServer server;
    private final Set<String> failedOnce = ConcurrentHashMap.newKeySet();

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", this::handle);
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.ofEntries(
                Map.entry("tally.github.api-url", base),
                Map.entry("tally.github.token", TOKEN),
                Map.entry("tally.github.webhook-secret", WEBHOOK_SECRET),
                Map.entry("tally.github.retry-after", "1s"),
                Map.entry("tally.github.retry-every", "1s"),
                Map.entry("tally.github.max-attempts", "3"),
                Map.entry("tally.outcomes.repo-teams.\"" + CONFIG_PATTERN + "\"", CONFIG_TEAM),
                Map.entry("tally.outcomes.repo-teams.\"" + E2E_PATTERN + "\"", E2E_TEAM),
                Map.entry("tally.outcomes.sarif.ai-tools", AI_SARIF_TOOL));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (!("Bearer " + TOKEN).equals(auth)) {
                send(
                        ex,
                        401,
                        "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}",
                        null);
                return;
            }
            Matcher compare = COMPARE.matcher(ex.getRequestURI().getPath());
            if ("GET".equals(ex.getRequestMethod()) && compare.matches()) {
                byte[] body = resource("github/api/" + compare.group(1) + "/" + compare.group(2) + "/compare/"
                        + compare.group(3) + "..." + compare.group(4) + ".json");
                if (body == null) {
                    send(
                            ex,
                            404,
                            "{\"message\":\"Not Found\",\"documentation_url\":"
                                    + "\"https://docs.github.com/rest/commits/commits#compare-two-commits\",\"status\":\"404\"}",
                            null);
                } else {
                    send(ex, 200, new String(body, StandardCharsets.UTF_8), null);
                }
                return;
            }
            Matcher reviews = REVIEWS.matcher(ex.getRequestURI().getPath());
            if ("GET".equals(ex.getRequestMethod()) && reviews.matches()) {
                // A known pull request (one with commits here) without a reviews file has no reviews: [].
                String base = "github/api/" + reviews.group(1) + "/" + reviews.group(2) + "/" + reviews.group(3);
                byte[] body = resource(base + ".reviews.json");
                if (body == null && resource(base + ".json") == null) {
                    send(ex, 404, notFound(), null);
                } else {
                    send(ex, 200, body == null ? "[]" : new String(body, StandardCharsets.UTF_8), null);
                }
                return;
            }
            Matcher m = PATH.matcher(ex.getRequestURI().getPath());
            if (!"GET".equals(ex.getRequestMethod()) || !m.matches()) {
                send(ex, 404, notFound(), null);
                return;
            }
            String owner = m.group(1);
            String repo = m.group(2);
            String number = m.group(3);
            if (repo.contains("flaky") && failedOnce.add(owner + "/" + repo + "#" + number)) {
                send(ex, 502, "{\"message\":\"Server Error\"}", null);
                return;
            }
            String query = ex.getRequestURI().getQuery() == null
                    ? ""
                    : ex.getRequestURI().getQuery();
            boolean page2 = query.contains("page=2");
            String base = "github/api/" + owner + "/" + repo + "/" + number;
            byte[] body = resource(base + (page2 ? ".page2.json" : ".json"));
            if (body == null) {
                send(ex, 404, notFound(), null);
                return;
            }
            String link = null;
            if (!page2 && resource(base + ".page2.json") != null) {
                String self = "http://127.0.0.1:" + server.getAddress().getPort()
                        + ex.getRequestURI().getPath();
                link = "<" + self + "?per_page=100&page=2>; rel=\"next\", <" + self
                        + "?per_page=100&page=2>; rel=\"last\"";
            }
            send(ex, 200, new String(body, StandardCharsets.UTF_8), link);
        }
    }

    private static String notFound() {
        return "{\"message\":\"Not Found\",\"documentation_url\":"
                + "\"https://docs.github.com/rest/pulls/pulls#list-commits-on-a-pull-request\",\"status\":\"404\"}";
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FakeGitHubApi.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static void send(HttpExchange ex, int status, String body, String link) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("X-GitHub-Media-Type", "github.v3; format=json");
        if (link != null) {
            ex.getResponseHeaders().set("Link", link);
        }
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
