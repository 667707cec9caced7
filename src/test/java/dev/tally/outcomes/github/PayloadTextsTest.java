package dev.tally.outcomes.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tally.outcomes.OutcomeTestData;
import dev.tally.outcomes.attribution.AttributionRules;
import dev.tally.outcomes.attribution.PrEvidence;

/** Without a GitHub token the trailer rule can only read what the webhook payload carries. */
class PayloadTextsTest {

    private final AttributionRules rules = new AttributionRules(
            List.of("^co-authored-by:.*(claude|copilot)"), List.of(), List.of(), Duration.ofHours(48), 1);

    @Test
    void aTrailerRepeatedInThePrDescriptionFires() {
        ObjectNode p = OutcomeTestData.fixture("github/webhooks/pull_request.closed.merged.json");
        ((ObjectNode) p.get("pull_request"))
                .put("body", "Squashed.\n\n* Add retry\n\nCo-authored-by: Claude <noreply@anthropic.com>");
        List<String> texts = GitHubOutcomes.payloadTexts(p);
        assertThat(rules.evaluate(new PrEvidence(texts, List.of(), "Codertocat", null)))
                .containsExactly("trailer:Co-authored-by: Claude");
    }

    @Test
    void theDocumentedPayloadAloneCarriesNoEvidence() {
        ObjectNode p = OutcomeTestData.fixture("github/webhooks/pull_request.closed.merged.json");
        assertThat(GitHubOutcomes.payloadTexts(p))
                .containsExactly("This is a pretty simple change that we need to pull into master.");
        assertThat(rules.evaluate(new PrEvidence(GitHubOutcomes.payloadTexts(p), List.of(), "Codertocat", null)))
                .isEmpty();
    }

    @Test
    void aCommitsArrayAddedByAForwarderIsRead() {
        ObjectNode p = OutcomeTestData.fixture("github/webhooks/pull_request.closed.merged.json");
        ((ObjectNode) p.get("pull_request")).putNull("body");
        p.putArray("commits")
                .addObject()
                .put("id", "abc")
                .put("message", "Fix\n\nCo-Authored-By: GitHub Copilot <x@y>");
        assertThat(rules.evaluate(new PrEvidence(GitHubOutcomes.payloadTexts(p), List.of(), "Codertocat", null)))
                .containsExactly("trailer:Co-Authored-By: GitHub Copilot");
    }
}
