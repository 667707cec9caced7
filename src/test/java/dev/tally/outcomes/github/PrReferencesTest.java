package dev.tally.outcomes.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tally.events.PrFacts;
import dev.tally.outcomes.OutcomeTestData;

/**
 * What a PR says it reverts or mentions, read from real revert PRs' titles and descriptions
 * ({@code src/test/resources/github/reverts/README.md}) and the documented payload around them.
 */
class PrReferencesTest {

    private static PrFacts facts(String fixture) {
        JsonNode p = OutcomeTestData.fixture("github/reverts/" + fixture);
        return PrFactsReader.read(p, List.of(), PrFacts.ReviewSource.WEBHOOKS, PrFactsReader::isBotLogin);
    }

    @Test
    void githubsRevertButtonNamesThePrByDescriptionBranchAndTitle() {
        PrFacts f = facts("button.json");
        assertThat(f.reverts()).containsExactly("ripienaar/free-for-dev#1520");
        assertThat(f.revertsTitle()).isEqualTo("Update README.md");
        assertThat(f.repository()).isEqualTo("ripienaar/free-for-dev");
        assertThat(f.number()).isEqualTo(1521);
    }

    @Test
    void aGitRevertNamesTheRevertedCommit() {
        PrFacts f = facts("git-revert.json");
        assertThat(f.reverts()).containsExactly("commit:f439fc5710cd87a4025247e8f75901cdadf5333d");
        assertThat(f.revertsTitle()).isEqualTo("Update README.md");
    }

    @Test
    void anEditedTitleStillRevertsByTheDescriptionAsWritten() {
        PrFacts f = facts("renamed.json");
        assertThat(f.revertsTitle()).isNull();
        // the repository's earlier name is kept as written: it matches only a PR known under that name
        assertThat(f.reverts()).containsExactly("gtech-mulearn/tfp-github-task#110");
    }

    @Test
    void anUnmergedRevertIsNoMergedPullRequestAtAll() {
        JsonNode p = OutcomeTestData.fixture("github/reverts/unmerged.json");
        assertThat(GitHubEvents.classify(GitHubEvents.PULL_REQUEST, p, null).kind())
                .isEqualTo(GitHubEvents.Kind.IGNORED);
    }

    @Test
    void aBareNumberIsInTheSameRepositoryAndMentionsAreBounded() {
        PrReferences.References r = PrReferences.read("acme/api", "Hotfix: null check", """
                Fixes the crash from #412 (and acme/web#7, see https://github.com/acme/infra/pull/99).
                Not a reference: issue&#35;3, a/b/c#4, color #fff, ##5.
                Reverts #400
                """, "hotfix-412");
        assertThat(r.reverts()).containsExactly("acme/api#400");
        assertThat(r.mentions()).containsExactly("acme/api#412", "acme/web#7", "acme/infra#99", "acme/api#400");
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= 80; i++) {
            many.append("#").append(i).append(' ');
        }
        assertThat(PrReferences.read("acme/api", "x", many.toString(), null).mentions())
                .hasSize(PrReferences.MAX_MENTIONS);
    }

    @Test
    void theFactsOfTheDocumentedPayloadAreItsTimesSizeAndLabels() {
        ObjectNode p =
                OutcomeTestData.mergedPr("acme/facts", 7, "dev-a", "2026-03-02T12:00:00Z", "ai-assisted", "hotfix");
        ((ObjectNode) p.get("pull_request")).put("created_at", "2026-03-02T08:00:00Z");
        PrFacts f = PrFactsReader.read(
                p,
                List.of(
                        new PrReview(1, "dev-a", PrReview.State.COMMENTED, Instant.parse("2026-03-02T08:30:00Z")),
                        new PrReview(
                                2,
                                "coderabbitai[bot]",
                                PrReview.State.CHANGES_REQUESTED,
                                Instant.parse("2026-03-02T08:40:00Z")),
                        new PrReview(
                                3, "dev-b", PrReview.State.CHANGES_REQUESTED, Instant.parse("2026-03-02T09:00:00Z")),
                        new PrReview(
                                4, "dev-c", PrReview.State.CHANGES_REQUESTED, Instant.parse("2026-03-02T10:00:00Z")),
                        new PrReview(5, "dev-b", PrReview.State.APPROVED, Instant.parse("2026-03-02T11:00:00Z")),
                        new PrReview(
                                6, "dev-d", PrReview.State.CHANGES_REQUESTED, Instant.parse("2026-03-02T13:00:00Z"))),
                PrFacts.ReviewSource.API,
                PrFactsReader::isBotLogin);
        assertThat(f.openedAt()).isEqualTo(Instant.parse("2026-03-02T08:00:00Z"));
        assertThat(f.mergedAt()).isEqualTo(Instant.parse("2026-03-02T12:00:00Z"));
        // the author's own review and the bot's are no review; one after the merge is not counted
        assertThat(f.firstReviewAt()).isEqualTo(Instant.parse("2026-03-02T09:00:00Z"));
        assertThat(f.reviewRounds()).isEqualTo(2);
        assertThat(f.additions()).isEqualTo(1);
        assertThat(f.deletions()).isEqualTo(1);
        assertThat(f.commits()).isEqualTo(1);
        assertThat(f.labels()).containsExactly("ai-assisted", "hotfix");
        assertThat(f.mergeCommitSha()).isNotBlank();
        assertThat(f.author()).isEqualTo("dev-a");
    }

    @Test
    void aDismissedRequestForChangesStillCountsAsARound() {
        PrReview delivered =
                new PrReview(9, "dev-b", PrReview.State.CHANGES_REQUESTED, Instant.parse("2026-03-02T09:00:00Z"));
        PrReview api = new PrReview(9, "dev-b", PrReview.State.DISMISSED, Instant.parse("2026-03-02T09:00:00Z"));
        PrReview apiOnly = new PrReview(10, "dev-c", PrReview.State.APPROVED, Instant.parse("2026-03-02T10:00:00Z"));
        assertThat(PrFactsReader.combine(List.of(api, apiOnly), List.of(delivered)))
                .containsExactly(delivered, apiOnly);
    }
}
