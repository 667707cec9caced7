package dev.tally.events;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What is known about a merged pull request beyond its being merged (data.pr of a {@code pr_merged}
 * outcome): facts, not verdicts, so that delivery metrics can be recomputed when their rules change
 * (which labels mark a hotfix, how a revert is recognised). Any fact may be null when its source did
 * not say. Stored by the aggregator in {@code pr_fact}, with the outcome, exactly once.
 *
 * @param author        the PR author's GitHub login
 * @param openedAt      {@code pull_request.created_at}
 * @param firstReviewAt the first review submitted by someone other than the author and not a bot
 *                      (null: no such review known — see {@code reviewSource})
 * @param reviewRounds  reviews that requested changes, by people other than the author and not bots
 * @param reviews       where the reviews came from: the REST API, or {@code pull_request_review} deliveries only
 * @param reverts       pull requests ({@code owner/repo#N}) and commits ({@code commit:<sha>}) this PR says it reverts
 * @param revertsTitle  the quoted title of a {@code Revert "…"} title: the title of the PR it reverts
 * @param mentions      pull requests or issues ({@code owner/repo#N}) its description names: a hotfix's target
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PrFacts(
        String repository,
        Integer number,
        String title,
        String author,
        Instant openedAt,
        Instant firstReviewAt,
        Instant mergedAt,
        Integer additions,
        Integer deletions,
        Integer changedFiles,
        Integer commits,
        Integer reviewRounds,
        ReviewSource reviews,
        List<String> labels,
        String mergeCommitSha,
        List<String> reverts,
        String revertsTitle,
        List<String> mentions) {

    /** Where a PR's reviews were read from. */
    public enum ReviewSource {
        /** {@code GET /repos/{owner}/{repo}/pulls/{n}/reviews} (TALLY_GITHUB_TOKEN), plus any delivered reviews. */
        @JsonProperty("api")
        API,
        /** Only the {@code pull_request_review} deliveries Tally received before the merge. */
        @JsonProperty("webhooks")
        WEBHOOKS
    }

    public PrFacts {
        labels = labels == null ? List.of() : List.copyOf(labels);
        reverts = reverts == null ? List.of() : List.copyOf(reverts);
        mentions = mentions == null ? List.of() : List.copyOf(mentions);
    }
}
