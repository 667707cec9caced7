package dev.tally.outcomes.github;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.outcomes.config.GitHubConfig;

/**
 * The GitHub REST API calls Tally makes: list a pull request's commits
 * ({@code GET /repos/{owner}/{repo}/pulls/{number}/commits}, at most 250 commits in pages of 100, as
 * the API documents) and its reviews ({@code GET /repos/{owner}/{repo}/pulls/{number}/reviews}), and
 * compare two commits ({@code GET /repos/{owner}/{repo}/compare/{base}...{head}},
 * whose {@code files[].patch} tells which lines a push changed). Blocking: call it from a worker
 * thread, never from the event loop.
 *
 * <p>The token goes only to the configured API's origin (scheme, host and port): a {@code Link: rel=next}
 * or a redirect that points anywhere else is refused, so a compromised or misconfigured API (or a proxy
 * in front of it) cannot collect the token by naming another host.
 */
@ApplicationScoped
public class GitHubClient {

    static final String API_VERSION = "2022-11-28";
    /** GitHub lists at most 250 commits of a pull request: three pages of 100. */
    static final int MAX_PAGES = 3;
    /** Reviews read of one pull request at most: ten pages of 100 (the first review and the rounds are long known by then). */
    static final int MAX_REVIEW_PAGES = 10;
    /** GitHub redirects a renamed or transferred repository once (301/302/307); more is a loop. */
    static final int MAX_REDIRECTS = 3;

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

    private final GitHubConfig config;
    private final ObjectMapper mapper;
    private final HttpClient http;

    public GitHubClient(GitHubConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.apiTimeout())
                // redirects are followed by hand, and only within the API's origin (see get)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public boolean configured() {
        return config.token().filter(t -> !t.isBlank()).isPresent();
    }

    /** The full messages of the PR's commits, oldest first. */
    public List<String> commitMessages(String repository, int number) throws GitHubApiException {
        List<String> messages = new ArrayList<>();
        for (JsonNode c : list(repository, "/pulls/" + number + "/commits", "commits", MAX_PAGES)) {
            JsonNode message = c.path("commit").path("message");
            if (message.isTextual()) {
                messages.add(message.asText());
            }
        }
        return messages;
    }

    /**
     * The PR's reviews ({@code GET /repos/{owner}/{repo}/pulls/{number}/reviews}), oldest first, without
     * pending ones (not submitted yet) and without entries lacking an id or a submission time.
     */
    public List<PrReview> reviews(String repository, int number) throws GitHubApiException {
        List<PrReview> reviews = new ArrayList<>();
        for (JsonNode r : list(repository, "/pulls/" + number + "/reviews", "reviews", MAX_REVIEW_PAGES)) {
            Optional<PrReview.State> state = PrReview.State.of(r.path("state").asText(null));
            Instant submitted = ReviewFindings.time(r.path("submitted_at"), null);
            if (state.isPresent() && submitted != null && r.path("id").canConvertToLong()) {
                reviews.add(new PrReview(
                        r.path("id").asLong(), r.path("user").path("login").asText(null), state.get(), submitted));
            }
        }
        return reviews;
    }

    /** The items of a paged list endpoint of a repository, following {@code Link: rel="next"} up to {@code maxPages}. */
    private List<JsonNode> list(String repository, String path, String what, int maxPages) throws GitHubApiException {
        String token = config.token()
                .filter(t -> !t.isBlank())
                .orElseThrow(() -> new GitHubApiException("no GitHub token configured (TALLY_GITHUB_TOKEN)"));
        String[] parts = repository.split("/", 2);
        if (parts.length != 2) {
            throw new GitHubApiException("repository '" + repository + "' is not owner/name");
        }
        URI uri = URI.create(base() + "/repos/" + segment(parts[0]) + "/" + segment(parts[1]) + path + "?per_page=100");
        List<JsonNode> items = new ArrayList<>();
        for (int page = 0; page < maxPages && uri != null; page++) {
            HttpResponse<byte[]> response = get(uri, token);
            JsonNode body = parse(response.body());
            uri = response.uri(); // after redirects within the API
            if (response.statusCode() != 200) {
                String message = body != null && body.hasNonNull("message")
                        ? body.get("message").asText()
                        : "";
                throw new GitHubApiException("GET " + uri.getPath() + " answered " + response.statusCode()
                        + (message.isEmpty() ? "" : ": " + message));
            }
            if (body == null || !body.isArray()) {
                throw new GitHubApiException("GET " + uri.getPath() + " did not answer a JSON array of " + what);
            }
            body.forEach(items::add);
            Optional<URI> next = next(response.headers().firstValue("Link"), uri);
            if (next.isPresent()) {
                requireSameOrigin(api(), next.get(), "the Link rel=\"next\" of " + uri.getPath());
            }
            uri = next.orElse(null);
        }
        return items;
    }

    /** A file of a comparison: its name (and name before a rename), status and unified-diff patch (null when GitHub omits it). */
    public record ChangedFile(String filename, String previousFilename, String status, String patch) {}

    /**
     * The files that differ between {@code base} and {@code head}, or empty when GitHub no longer knows
     * one of the commits (404, 422: a force-push removed it), since asking again cannot change that.
     */
    public Optional<List<ChangedFile>> compare(String repository, String base, String head) throws GitHubApiException {
        String token = config.token()
                .filter(t -> !t.isBlank())
                .orElseThrow(() -> new GitHubApiException("no GitHub token configured (TALLY_GITHUB_TOKEN)"));
        String[] parts = repository.split("/", 2);
        if (parts.length != 2) {
            throw new GitHubApiException("repository '" + repository + "' is not owner/name");
        }
        URI uri = URI.create(base() + "/repos/" + segment(parts[0]) + "/" + segment(parts[1]) + "/compare/"
                + segment(base) + "..." + segment(head));
        HttpResponse<byte[]> response = get(uri, token);
        JsonNode body = parse(response.body());
        if (response.statusCode() == 404 || response.statusCode() == 422) {
            return Optional.empty();
        }
        if (response.statusCode() != 200) {
            String message = body != null && body.hasNonNull("message")
                    ? body.get("message").asText()
                    : "";
            throw new GitHubApiException("GET " + uri.getPath() + " answered " + response.statusCode()
                    + (message.isEmpty() ? "" : ": " + message));
        }
        if (body == null || !body.path("files").isArray()) {
            throw new GitHubApiException("GET " + uri.getPath() + " did not answer a comparison with files");
        }
        List<ChangedFile> files = new ArrayList<>();
        for (JsonNode f : body.path("files")) {
            files.add(new ChangedFile(
                    f.path("filename").asText(null),
                    f.path("previous_filename").asText(null),
                    f.path("status").asText(null),
                    f.path("patch").asText(null)));
        }
        return Optional.of(files);
    }

    private String base() {
        return config.apiUrl().endsWith("/")
                ? config.apiUrl().substring(0, config.apiUrl().length() - 1)
                : config.apiUrl();
    }

    private URI api() {
        return URI.create(base());
    }

    /** One GET with the token, following up to {@link #MAX_REDIRECTS} redirects within the API's origin. */
    private HttpResponse<byte[]> get(URI uri, String token) throws GitHubApiException {
        URI api = api();
        for (int redirects = 0; ; redirects++) {
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(config.apiTimeout())
                    .header("Accept", "application/vnd.github+json")
                    .header("Authorization", "Bearer " + token)
                    .header("X-GitHub-Api-Version", API_VERSION)
                    .header("User-Agent", "tally")
                    .GET()
                    .build();
            HttpResponse<byte[]> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                throw new GitHubApiException("GET " + uri.getPath() + " failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GitHubApiException("interrupted while reading " + uri.getPath(), e);
            }
            Optional<String> location = response.headers().firstValue("Location");
            if (!isRedirect(response.statusCode()) || location.isEmpty()) {
                return response;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new GitHubApiException("GET " + uri.getPath() + ": more than " + MAX_REDIRECTS + " redirects");
            }
            URI target = resolve(uri, location.get(), "the redirect of " + uri.getPath());
            requireSameOrigin(api, target, "the redirect (" + response.statusCode() + ") of " + uri.getPath());
            uri = target;
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /**
     * Refuses a URL outside the configured API's origin. Scheme and host compare case-insensitively, and an
     * absent port is the scheme's default, so {@code https://API.github.com:443/x} is the same origin.
     */
    static void requireSameOrigin(URI api, URI target, String what) throws GitHubApiException {
        if (!sameOrigin(api, target)) {
            throw new GitHubApiException(what + " points outside the configured GitHub API (" + origin(api) + "): "
                    + origin(target) + " refused, the token is sent only to " + origin(api));
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null
                && b.getScheme() != null
                && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && b.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b)
                && b.getRawUserInfo() == null;
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
    }

    private static String origin(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() >= 0 ? ":" + u.getPort() : "");
    }

    private static URI resolve(URI base, String reference, String what) throws GitHubApiException {
        try {
            return base.resolve(reference.strip());
        } catch (IllegalArgumentException e) {
            throw new GitHubApiException(what + " is not a URL: " + e.getMessage());
        }
    }

    /** The {@code rel="next"} target of a {@code Link} header, resolved against the page it came with. */
    static Optional<URI> next(Optional<String> link, URI page) throws GitHubApiException {
        if (link.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = NEXT.matcher(link.get());
        return m.find() ? Optional.of(resolve(page, m.group(1), "the Link rel=\"next\"")) : Optional.empty();
    }

    private JsonNode parse(byte[] body) {
        try {
            return body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
