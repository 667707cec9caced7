package dev.tally.outcomes.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class ReviewRulesTest {

    private final ReviewRules rules = new ReviewRules(List.of("coderabbitai[bot]", "copilot-pull-request-reviewer[bot]"),
            List.of("potential issue", "\u26a0\ufe0f"), List.of("critical", "major", "minor"), true);

    @Test
    void anAiReviewersMarkedCommentIsAFindingWithItsSeverity() {
        var f = rules.finding("coderabbitai[bot]", null, "_\u26a0\ufe0f Potential issue_\n\n**Major**: the lock is never released");
        assertThat(f).isPresent();
        assertThat(f.get().evidence()).containsExactly("ai-reviewer:coderabbitai[bot]", "finding:marker potential issue");
        assertThat(f.get().severity()).isEqualTo("major");
    }

    @Test
    void changesRequestedByAnAiReviewerIsAFindingEvenWithoutMarkers() {
        var f = rules.finding("Copilot-Pull-Request-Reviewer[bot]", "CHANGES_REQUESTED", "Please fix the null check.");
        assertThat(f).isPresent();
        assertThat(f.get().evidence()).containsExactly("ai-reviewer:Copilot-Pull-Request-Reviewer[bot]",
                "finding:changes_requested");
        assertThat(f.get().severity()).isNull();
    }

    @Test
    void aHumanReviewerOrAnAiApprovalIsNoFinding() {
        assertThat(rules.finding("octocat", "changes_requested", "Potential issue: critical")).isEmpty();
        assertThat(rules.finding("coderabbitai[bot]", "approved", "LGTM, nice work")).isEmpty();
        assertThat(rules.finding("coderabbitai[bot]", "commented", null)).isEmpty();
    }

    @Test
    void severityWordsMatchWholeWordsOnly() {
        var f = rules.finding("coderabbitai[bot]", null, "Potential issue in the minority check");
        assertThat(f).isPresent();
        assertThat(f.get().severity()).isNull();
    }
}
