package dev.tally.outcomes.github;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tally.events.PrFacts;
import dev.tally.events.PrFacts.ReviewSource;

/**
 * The facts of a merged pull request: from the {@code pull_request} payload (times, size, commits,
 * labels, title, the revert and mention references of its description and branch) and from its
 * reviews. The description itself is not kept, only what it refers to.
 */
public final class PrFactsReader {

    /** Titles are kept to this length (GitHub allows 256 characters). */
    static final int MAX_TITLE = 300;
    /** At most this many labels are kept. */
    static final int MAX_LABELS = 50;

    private PrFactsReader() {}

    /**
     * @param reviews the PR's reviews from every source (see {@link #combine})
     * @param bot     which reviewer logins are bots (their reviews are neither a first review nor a round)
     */
    public static PrFacts read(
            JsonNode payload, Collection<PrReview> reviews, ReviewSource source, Predicate<String> bot) {
        String repo = payload.path("repository").path("full_name").asText().toLowerCase(Locale.ROOT);
        JsonNode pr = payload.path("pull_request");
        int number = GitHubEvents.prNumber(payload);
        String author = pr.path("user").path("login").asText(null);
        String title = pr.path("title").isTextual() ? clip(pr.path("title").asText()) : null;
        Instant mergedAt = ReviewFindings.time(pr.path("merged_at"), ReviewFindings.time(pr.path("closed_at"), null));
        List<String> labels = new ArrayList<>();
        for (JsonNode l : pr.path("labels")) {
            if (l.path("name").isTextual() && labels.size() < MAX_LABELS) {
                labels.add(clip(l.path("name").asText()));
            }
        }
        PrReferences.References refs = PrReferences.read(
                repo,
                pr.path("title").asText(null),
                pr.path("body").asText(null),
                pr.path("head").path("ref").asText(null));
        Instant firstReview = null;
        int rounds = 0;
        for (PrReview r : reviews) {
            boolean counts = r.login() != null
                    && !r.login().equalsIgnoreCase(author)
                    && !bot.test(r.login())
                    && (mergedAt == null || !r.submittedAt().isAfter(mergedAt));
            if (!counts) {
                continue;
            }
            if (firstReview == null || r.submittedAt().isBefore(firstReview)) {
                firstReview = r.submittedAt();
            }
            if (r.state() == PrReview.State.CHANGES_REQUESTED) {
                rounds++;
            }
        }
        String sha = pr.path("merge_commit_sha").isTextual()
                ? pr.path("merge_commit_sha").asText().toLowerCase(Locale.ROOT)
                : null;
        return new PrFacts(
                repo,
                number,
                title,
                author,
                ReviewFindings.time(pr.path("created_at"), null),
                firstReview,
                mergedAt,
                count(pr.path("additions")),
                count(pr.path("deletions")),
                count(pr.path("changed_files")),
                count(pr.path("commits")),
                rounds,
                source,
                labels,
                sha,
                refs.reverts(),
                refs.revertsTitle() == null ? null : clip(refs.revertsTitle()),
                refs.mentions());
    }

    /**
     * One list from the reviews the REST API answered and those delivered by webhooks, by review id. A
     * review the API reports as {@code DISMISSED} keeps the state a delivery saw it submitted with: a
     * dismissed request for changes was still a round of review.
     */
    public static List<PrReview> combine(Collection<PrReview> fromApi, Collection<PrReview> delivered) {
        Map<Long, PrReview> byId = new LinkedHashMap<>();
        fromApi.forEach(r -> byId.put(r.id(), r));
        for (PrReview d : delivered) {
            PrReview a = byId.get(d.id());
            if (a == null || a.state() == PrReview.State.DISMISSED) {
                byId.put(d.id(), d);
            }
        }
        List<PrReview> out = new ArrayList<>(byId.values());
        out.sort((x, y) -> x.submittedAt().compareTo(y.submittedAt()));
        return out;
    }

    /** A GitHub bot account ({@code …[bot]}), or a login the AI reviewer rules name. */
    public static boolean isBotLogin(String login) {
        return login != null && login.toLowerCase(Locale.ROOT).endsWith("[bot]");
    }

    private static Integer count(JsonNode n) {
        return n.canConvertToInt() && n.asInt() >= 0 ? n.asInt() : null;
    }

    private static String clip(String s) {
        return s.length() <= MAX_TITLE ? s : s.substring(0, MAX_TITLE);
    }
}
