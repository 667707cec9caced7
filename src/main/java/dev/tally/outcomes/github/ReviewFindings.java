package dev.tally.outcomes.github;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tally.events.OutcomeData;
import dev.tally.outcomes.OutcomeEmitter;
import dev.tally.outcomes.mapping.TeamMapper;
import dev.tally.outcomes.review.DiffLines;
import dev.tally.outcomes.review.ReviewFinding;
import dev.tally.outcomes.review.ReviewFinding.FixedBy;
import dev.tally.outcomes.review.ReviewFindingStore;
import dev.tally.outcomes.review.ReviewRules;

/**
 * AI reviewers' findings from webhook deliveries: flagged when an inline comment raises one
 * ({@code bug_flagged}), fixed when its thread is resolved, when the reviewer notes a commit addressed
 * it, or when a later push to the pull request changes the lines it is about ({@code bug_caught},
 * the kind the ROI model values). Each outcome's id is derived from the comment id, and every answer
 * is rebuilt from the stored row, so a retried delivery sends the very same events again.
 */
@ApplicationScoped
public class ReviewFindings {

    private static final Logger LOG = Logger.getLogger(ReviewFindings.class);

    private final ReviewRules rules;
    private final ReviewFindingStore store;
    private final TeamMapper teams;
    private final GitHubClient github;
    private final Clock clock;

    public ReviewFindings(
            ReviewRules rules, ReviewFindingStore store, TeamMapper teams, GitHubClient github, Clock clock) {
        this.rules = rules;
        this.store = store;
        this.teams = teams;
        this.github = github;
        this.clock = clock;
    }

    /**
     * An inline comment that raises a finding: recorded and flagged; and fixed at once when a push to
     * the pull request that came after the comment, but was delivered or processed before it, changed
     * its lines. When the compare API fails on the delivery's last attempt, the finding is flagged
     * anyway (a later push can still fix it).
     */
    public Map<String, OutcomeData> flagged(JsonNode payload, JsonNode comment, boolean lastAttempt)
            throws GitHubApiException {
        ReviewFinding f = record(payload, comment);
        if (f.fixedAt() == null && github.configured()) {
            try {
                f = fixedByEarlierPush(f);
            } catch (GitHubApiException e) {
                if (!lastAttempt) {
                    throw e;
                }
                LOG.warnf(
                        "review comment %d: the push remembered for %s#%d could not be compared on the last"
                                + " attempt (%s); flagged without it",
                        f.commentId(), f.repository(), f.prNumber(), e.getMessage());
            }
        }
        Map<String, OutcomeData> out = new LinkedHashMap<>();
        out.put(f.flaggedId(), flaggedEvent(f));
        if (f.fixedAt() != null) {
            out.put(f.fixedId(), fixedEvent(f));
        }
        return out;
    }

    /** The thread of a finding was resolved: fixed (the first fix counts, whatever came first). */
    public Map<String, OutcomeData> threadResolved(JsonNode payload) {
        JsonNode first = payload.path("thread").path("comments").path(0);
        return fixed(payload, first, FixedBy.THREAD_RESOLVED, null, clock.instant());
    }

    /** The reviewer edited its comment to say a commit addressed it. */
    public Map<String, OutcomeData> reviewerConfirmed(JsonNode payload) {
        JsonNode comment = payload.path("comment");
        return fixed(
                payload, comment, FixedBy.REVIEWER_CONFIRMED, null, time(comment.path("updated_at"), clock.instant()));
    }

    /**
     * A push to a pull request ({@code synchronize}): each open finding on the new side of the diff is
     * compared from the commit it was made on to the new head; where the push changed its lines, it is
     * fixed. Needs the REST API (the payload names the commits, not what they changed).
     */
    public Map<String, OutcomeData> pushed(JsonNode payload) throws GitHubApiException {
        String repo = repository(payload);
        int number = GitHubEvents.prNumber(payload);
        String head = payload.path("after").asText();
        Instant at = time(payload.path("pull_request").path("updated_at"), clock.instant());
        Map<String, List<ReviewFinding>> byCommit = new LinkedHashMap<>();
        for (ReviewFinding f : store.open(repo, number)) {
            if (comparable(f, head)) {
                byCommit.computeIfAbsent(f.commitId(), k -> new ArrayList<>()).add(f);
            }
        }
        for (Map.Entry<String, List<ReviewFinding>> e : byCommit.entrySet()) {
            Optional<List<GitHubClient.ChangedFile>> files = github.compare(repo, e.getKey(), head);
            if (files.isEmpty()) {
                continue; // GitHub no longer knows the commented commit (force-pushed away): nothing to tell
            }
            for (ReviewFinding f : e.getValue()) {
                if (changed(files.get(), f)) {
                    store.fix(f.commentId(), at, FixedBy.LINES_CHANGED, head);
                }
            }
        }
        Map<String, OutcomeData> out = new LinkedHashMap<>();
        for (ReviewFinding f : store.fixedBy(repo, number, head)) {
            out.put(f.fixedId(), fixedEvent(f));
        }
        return out;
    }

    /** Whether a push to {@code head} can tell if it changed the finding's lines (see the docs' limits). */
    private static boolean comparable(ReviewFinding f, String head) {
        return f.endLine() != null
                && f.path() != null
                && f.commitId() != null
                && !"LEFT".equalsIgnoreCase(f.side())
                && !f.commitId().equals(head);
    }

    /**
     * The finding, fixed by the latest push remembered for its pull request when that push is not older
     * than the comment and changed its lines; otherwise as it was.
     */
    private ReviewFinding fixedByEarlierPush(ReviewFinding f) throws GitHubApiException {
        Optional<ReviewFindingStore.Push> push = store.lastPush(f.repository(), f.prNumber());
        if (push.isEmpty()
                || push.get().at().isBefore(f.flaggedAt())
                || !comparable(f, push.get().head())) {
            return f;
        }
        Optional<List<GitHubClient.ChangedFile>> files =
                github.compare(f.repository(), f.commitId(), push.get().head());
        if (files.isEmpty() || !changed(files.get(), f)) {
            return f;
        }
        return store.fix(
                        f.commentId(),
                        push.get().at(),
                        FixedBy.LINES_CHANGED,
                        push.get().head())
                .orElse(f);
    }

    static boolean changed(List<GitHubClient.ChangedFile> files, ReviewFinding f) {
        for (GitHubClient.ChangedFile file : files) {
            boolean same = f.path().equals(file.filename()) || f.path().equals(file.previousFilename());
            if (!same) {
                continue;
            }
            if ("removed".equals(file.status())) {
                return true; // the lines are gone with their file
            }
            return DiffLines.touches(file.patch(), f.firstLine(), f.endLine());
        }
        return false;
    }

    private Map<String, OutcomeData> fixed(JsonNode payload, JsonNode comment, FixedBy by, String ref, Instant at) {
        ReviewFinding f = record(payload, comment);
        ReviewFinding fixed = store.fix(f.commentId(), at, by, ref).orElseThrow();
        Map<String, OutcomeData> out = new LinkedHashMap<>();
        out.put(fixed.flaggedId(), flaggedEvent(fixed));
        out.put(fixed.fixedId(), fixedEvent(fixed));
        return out;
    }

    /** The stored finding of this comment, recorded now if this is the first delivery that names it. */
    private ReviewFinding record(JsonNode payload, JsonNode comment) {
        String login = comment.path("user").path("login").asText();
        ReviewRules.Finding finding =
                rules.finding(login, comment.path("body").asText("")).orElseThrow();
        String repo = repository(payload);
        TeamMapper.Mapping m = teams.map(
                payload.path("pull_request").path("user").path("login").asText(null), repo);
        long id = comment.path("id").asLong();
        Integer end = integer(comment.path("line"));
        return store.flag(new ReviewFinding(
                id,
                repo,
                GitHubEvents.prNumber(payload),
                finding.reviewer().key(),
                login,
                m.teamId(),
                m.employeeId(),
                comment.path("path").asText(null),
                integer(comment.path("start_line")),
                end,
                comment.path("side").asText(null),
                comment.path("commit_id").asText(null),
                finding.severity(),
                finding.evidence(),
                comment.path("html_url").asText(null),
                time(comment.path("created_at"), clock.instant()),
                null,
                null,
                null));
    }

    private OutcomeData flaggedEvent(ReviewFinding f) {
        return new OutcomeData(
                OutcomeData.BUG_FLAGGED,
                f.teamId().toString(),
                f.employeeId() == null ? null : f.employeeId().toString(),
                true,
                f.evidence(),
                OutcomeEmitter.SOURCE_GITHUB,
                f.url() == null ? f.flaggedId() : f.url(),
                f.flaggedAt(),
                f.severity(),
                null,
                null,
                rules.workload(f.login()));
    }

    private OutcomeData fixedEvent(ReviewFinding f) {
        List<String> evidence = new ArrayList<>(f.evidence());
        evidence.add("fixed:" + f.fixedBy().key() + (f.fixedRef() == null ? "" : " " + f.fixedRef()));
        return new OutcomeData(
                OutcomeData.BUG_CAUGHT,
                f.teamId().toString(),
                f.employeeId() == null ? null : f.employeeId().toString(),
                true,
                evidence,
                OutcomeEmitter.SOURCE_GITHUB,
                f.url() == null ? f.fixedId() : f.url(),
                f.fixedAt(),
                f.severity(),
                null,
                null,
                rules.workload(f.login()));
    }

    private static String repository(JsonNode payload) {
        return payload.path("repository").path("full_name").asText();
    }

    private static Integer integer(JsonNode n) {
        return n != null && n.canConvertToInt() ? n.asInt() : null;
    }

    static Instant time(JsonNode n, Instant fallback) {
        if (n == null || !n.isTextual()) {
            return fallback;
        }
        try {
            return Instant.parse(n.asText());
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
