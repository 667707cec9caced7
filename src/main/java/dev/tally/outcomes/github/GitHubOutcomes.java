package dev.tally.outcomes.github;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tally.events.OutcomeData;
import dev.tally.events.PrFacts;
import dev.tally.outcomes.OutcomeEmitter;
import dev.tally.outcomes.OutcomeIds;
import dev.tally.outcomes.attribution.AttributionRules;
import dev.tally.outcomes.attribution.GatewayUse;
import dev.tally.outcomes.attribution.PrEvidence;
import dev.tally.outcomes.config.OutcomesConfig;
import dev.tally.outcomes.mapping.TeamMapper;
import dev.tally.outcomes.review.ReviewRules;

/**
 * Turns a used webhook payload into outcomes (id → data): a merged PR with its AI attribution and its
 * delivery facts ({@link PrFactsReader}; commits and reviews from the REST API when a token is set), or an
 * AI reviewer's finding flagged or fixed ({@link ReviewFindings}), each attributed to the PR author's
 * team (else the repository's, else Unassigned). May call the GitHub REST API: run it on a worker thread.
 */
@ApplicationScoped
public class GitHubOutcomes {

    private static final Logger LOG = Logger.getLogger(GitHubOutcomes.class);

    private final GitHubClient github;
    private final TeamMapper teams;
    private final GatewayUse gatewayUse;
    private final AttributionRules rules;
    private final ReviewRules reviews;
    private final ReviewFindings findings;
    private final PrReviewStore prReviews;

    public GitHubOutcomes(
            GitHubClient github,
            TeamMapper teams,
            GatewayUse gatewayUse,
            OutcomesConfig config,
            ReviewRules reviews,
            ReviewFindings findings,
            PrReviewStore prReviews) {
        this.github = github;
        this.prReviews = prReviews;
        this.teams = teams;
        this.gatewayUse = gatewayUse;
        this.rules = AttributionRules.from(config.attribution());
        this.reviews = reviews;
        this.findings = findings;
    }

    public ReviewRules reviews() {
        return reviews;
    }

    /**
     * @param lastAttempt when the GitHub API still fails on the last attempt, the PR is attributed from
     *                    the payload alone rather than dropped (a merged PR is counted either way)
     */
    public Map<String, OutcomeData> outcomes(String event, JsonNode payload, boolean lastAttempt)
            throws GitHubApiException {
        GitHubEvents.Classified c = GitHubEvents.classify(event, payload, reviews);
        return switch (c.kind()) {
            case PR_MERGED -> prMerged(payload, lastAttempt);
            case REVIEW_FINDING -> findings.flagged(payload, payload.path("comment"), lastAttempt);
            case THREAD_RESOLVED -> findings.threadResolved(payload);
            case REVIEWER_CONFIRMED_FIX -> findings.reviewerConfirmed(payload);
            case PR_PUSHED -> findings.pushed(payload);
            case REVIEW_RECORDED, IGNORED -> Map.of();
        };
    }

    private Map<String, OutcomeData> prMerged(JsonNode payload, boolean lastAttempt) throws GitHubApiException {
        String repo = payload.path("repository").path("full_name").asText();
        JsonNode pr = payload.path("pull_request");
        int number = GitHubEvents.prNumber(payload);
        String author = pr.path("user").path("login").asText(null);
        Instant mergedAt =
                ReviewFindings.time(pr.path("merged_at"), ReviewFindings.time(pr.path("closed_at"), Instant.now()));

        List<String> messages = payloadTexts(payload);
        List<PrReview> reviewed = prReviews.reviews(repo, number);
        PrFacts.ReviewSource reviewSource = PrFacts.ReviewSource.WEBHOOKS;
        if (github.configured()) {
            try {
                List<String> commits = github.commitMessages(repo, number);
                reviewed = PrFactsReader.combine(github.reviews(repo, number), reviewed);
                messages = commits;
                reviewSource = PrFacts.ReviewSource.API;
            } catch (GitHubApiException e) {
                if (!lastAttempt) {
                    throw e;
                }
                LOG.warnf(
                        "%s#%d: commits or reviews unreadable on the last attempt (%s); using the payload and the"
                                + " delivered reviews only",
                        repo, number, e.getMessage());
            }
        }
        List<String> labels = new ArrayList<>();
        for (JsonNode l : pr.path("labels")) {
            if (l.path("name").isTextual()) {
                labels.add(l.path("name").asText());
            }
        }
        TeamMapper.Mapping m = teams.map(author, repo);
        Long requests =
                m.employeeId() == null ? null : gatewayUse.requests(m.employeeId(), mergedAt, rules.gatewayWindow());
        List<String> attribution = rules.evaluate(new PrEvidence(messages, labels, author, requests));
        String id = OutcomeIds.bounded("github:pr:" + repo + "#" + number);
        return Map.of(
                id,
                new OutcomeData(
                        OutcomeData.PR_MERGED,
                        m.teamId().toString(),
                        m.employeeId() == null ? null : m.employeeId().toString(),
                        !attribution.isEmpty(),
                        attribution,
                        OutcomeEmitter.SOURCE_GITHUB,
                        pr.path("html_url").asText(id),
                        mergedAt,
                        null,
                        null,
                        PrFactsReader.read(payload, reviewed, reviewSource, this::bot)));
    }

    /** Reviews by bots and by configured AI reviewers are neither a first review nor a round of changes. */
    private boolean bot(String login) {
        return PrFactsReader.isBotLogin(login) || reviews.reviewer(login).isPresent();
    }

    /**
     * Without a token only the payload is known: the PR description (a squash merge's text often
     * repeats the trailers there) and a {@code commits} array if a forwarder added one.
     */
    static List<String> payloadTexts(JsonNode payload) {
        List<String> texts = new ArrayList<>();
        JsonNode body = payload.path("pull_request").path("body");
        if (body.isTextual()) {
            texts.add(body.asText());
        }
        for (JsonNode c : payload.path("commits")) {
            if (c.path("message").isTextual()) {
                texts.add(c.path("message").asText());
            }
        }
        return texts;
    }
}
