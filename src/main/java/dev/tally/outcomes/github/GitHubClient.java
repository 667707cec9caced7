package dev.tally.outcomes.github;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * the API documents), and compare two commits ({@code GET /repos/{owner}/{repo}/compare/{base}...{head}},
 * whose {@code files[].patch} tells which lines a push changed). Blocking: call it from a worker
 * thread, never from the event loop.
 */
@ApplicationScoped
public class GitHubClient {

    static final String API_VERSION = "2022-11-28";
    /** GitHub lists at most 250 commits of a pull request: three pages of 100. */
    static final int MAX_PAGES = 3;
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

    private final GitHubConfig config;
    private final ObjectMapper mapper;
    private final HttpClient http;

    public GitHubClient(GitHubConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
        this.http = HttpClient.newBuilder()
                .connectTimeout(config.apiTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public boolean configured() {
        return config.token().filter(t -> !t.isBlank()).isPresent();
    }

    /** The full messages of the PR's commits, oldest first. */
    public List<String> commitMessages(String repository, int number) throws GitHubApiException {
        String token = config.token().filter(t -> !t.isBlank())
                .orElseThrow(() -> new GitHubApiException("no GitHub token configured (TALLY_GITHUB_TOKEN)"));
        String[] parts = repository.split("/", 2);
        if (parts.length != 2) {
            throw new GitHubApiException("repository '" + repository + "' is not owner/name");
        }
        URI uri = URI.create(base() + "/repos/" + segment(parts[0]) + "/" + segment(parts[1]) + "/pulls/" + number
                + "/commits?per_page=100");
        List<String> messages = new ArrayList<>();
        for (int page = 0; page < MAX_PAGES && uri != null; page++) {
            HttpResponse<byte[]> response = get(uri, token);
            JsonNode body = parse(response.body());
            if (response.statusCode() != 200) {
                String message = body != null && body.hasNonNull("message") ? body.get("message").asText() : "";
                throw new GitHubApiException("GET " + uri.getPath() + " answered " + response.statusCode()
                        + (message.isEmpty() ? "" : ": " + message));
            }
            if (body == null || !body.isArray()) {
                throw new GitHubApiException("GET " + uri.getPath() + " did not answer a JSON array of commits");
            }
            for (JsonNode c : body) {
                JsonNode message = c.path("commit").path("message");
                if (message.isTextual()) {
                    messages.add(message.asText());
                }
            }
            uri = next(response.headers().firstValue("Link")).orElse(null);
        }
        return messages;
    }

    /** A file of a comparison: its name (and name before a rename), status and unified-diff patch (null when GitHub omits it). */
    public record ChangedFile(String filename, String previousFilename, String status, String patch) {
    }

    /**
     * The files that differ between {@code base} and {@code head}, or empty when GitHub no longer knows
     * one of the commits (404, 422: a force-push removed it), since asking again cannot change that.
     */
    public Optional<List<ChangedFile>> compare(String repository, String base, String head) throws GitHubApiException {
        String token = config.token().filter(t -> !t.isBlank())
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
            String message = body != null && body.hasNonNull("message") ? body.get("message").asText() : "";
            throw new GitHubApiException("GET " + uri.getPath() + " answered " + response.statusCode()
                    + (message.isEmpty() ? "" : ": " + message));
        }
        if (body == null || !body.path("files").isArray()) {
            throw new GitHubApiException("GET " + uri.getPath() + " did not answer a comparison with files");
        }
        List<ChangedFile> files = new ArrayList<>();
        for (JsonNode f : body.path("files")) {
            files.add(new ChangedFile(f.path("filename").asText(null), f.path("previous_filename").asText(null),
                    f.path("status").asText(null), f.path("patch").asText(null)));
        }
        return Optional.of(files);
    }

    private String base() {
        return config.apiUrl().endsWith("/") ? config.apiUrl().substring(0, config.apiUrl().length() - 1) : config.apiUrl();
    }

    private HttpResponse<byte[]> get(URI uri, String token) throws GitHubApiException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(config.apiTimeout())
                .header("Accept", "application/vnd.github+json")
                .header("Authorization", "Bearer " + token)
                .header("X-GitHub-Api-Version", API_VERSION)
                .header("User-Agent", "tally")
                .GET()
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new GitHubApiException("GET " + uri.getPath() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GitHubApiException("interrupted while reading " + uri.getPath(), e);
        }
    }

    static Optional<URI> next(Optional<String> link) {
        if (link.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = NEXT.matcher(link.get());
        return m.find() ? Optional.of(URI.create(m.group(1))) : Optional.empty();
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
