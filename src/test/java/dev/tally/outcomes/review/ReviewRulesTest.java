package dev.tally.outcomes.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The built-in rules ({@code outcomes/reviewers.yaml}) against real comment bodies (see {@code github/reviewers/README.md}). */
class ReviewRulesTest {

    private final ReviewRules rules = ReviewRules.load(Optional.empty());

    static String body(String file) {
        try (InputStream in = ReviewRulesTest.class.getClassLoader().getResourceAsStream("github/reviewers/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("github/reviewers/" + file, e);
        }
    }

    @ParameterizedTest(name = "{0} by {1}")
    @CsvSource(
            nullValues = "-",
            value = {
                // file,                                      login,                 reviewer,   severity, evidence
                "coderabbit-potential-issue-major.md,          coderabbitai[bot],     coderabbit, high,     potential issue tag",
                "coderabbit-potential-issue-major.addressed.md, coderabbitai[bot],    coderabbit, high,     potential issue tag",
                "coderabbit-potential-issue-minor.md,          coderabbitai[bot],     coderabbit, low,      potential issue tag",
                "greptile-p1.md,                               greptile-apps[bot],    greptile,   high,     priority badge",
                "bugbot-high.md,                               cursor[bot],           bugbot,     high,     bug id",
                "bugbot-medium.md,                             cursor[bot],           bugbot,     medium,   bug id",
                "copilot-inline.md,                            Copilot,               copilot,    -,        inline comment",
                "copilot-inline-2.md,                          Copilot,               copilot,    -,        inline comment",
                "claude-inline.md,                             claude[bot],           claude,     -,        inline comment"
            })
    void eachReviewersRealCommentIsAFindingWithItsOwnSeverity(
            String file, String login, String reviewer, String severity, String evidence) {
        ReviewRules.Finding f = rules.finding(login, body(file)).orElseThrow();
        assertThat(f.reviewer().key()).isEqualTo(reviewer);
        assertThat(f.severity()).isEqualTo(severity);
        assertThat(f.evidence()).containsExactly("ai-reviewer:" + login, "reviewer:" + reviewer, "finding:" + evidence);
    }

    @Test
    void claudesSummarySayingNoIssuesFoundIsNoFinding() {
        assertThat(rules.finding("claude[bot]", body("claude-summary-no-issues.md")))
                .isEmpty();
    }

    @Test
    void negationsAreNoFindings() {
        for (String said : new String[] {
            "No security issues found.",
            "No bugs.",
            "LGTM, nothing to fix",
            "Looks good to me!",
            "I found no problems in this change.",
            "No new issues were introduced here."
        }) {
            assertThat(rules.finding("Copilot", said)).as(said).isEmpty();
            assertThat(rules.finding("claude[bot]", said)).as(said).isEmpty();
        }
    }

    @Test
    void aNitpickARefactoringIdeaAndAStyleRemarkAreNoFindings() {
        assertThat(rules.finding("Copilot", "[nitpick] Consider renaming `x` to `count`."))
                .isEmpty();
        assertThat(rules.finding("Copilot", "nit: remove this debug print statement"))
                .isEmpty();
        assertThat(rules.finding("claude[bot]", "Nitpick: this debug print statement can go."))
                .isEmpty();
        assertThat(rules.finding("coderabbitai[bot]", "_🧹 Nitpick (assertive)_\n\nPrefer `final` here."))
                .isEmpty();
        assertThat(rules.finding("coderabbitai[bot]", "_🛠️ Refactor suggestion_\n\nExtract this into a helper."))
                .isEmpty();
        assertThat(rules.finding("greptile-apps[bot]", "**style:** the import order is off"))
                .isEmpty();
        // CodeRabbit comments without a potential-issue marker are not findings (otherwise: none)
        assertThat(rules.finding("coderabbitai[bot]", "Thanks, this looks right."))
                .isEmpty();
    }

    @Test
    void markersMatchWholeWordsOnlySoADebugPrintIsNoBug() throws IOException {
        ReviewRules custom = ReviewRules.parse(yaml("""
                markers: [bug, security issue]
                negations: ['\\bno\\s+(?:security\\s+)?(?:issues?|bugs?)\\b']
                severityWords: {high: high}
                reviewers:
                  house: {logins: ["house-reviewer[bot]"], otherwise: markers}
                """), "test");
        assertThat(custom.finding("house-reviewer[bot]", "nit: remove this debug print statement"))
                .isEmpty();
        assertThat(custom.finding("house-reviewer[bot]", "The bugfix branch name is odd."))
                .isEmpty();
        assertThat(custom.finding("house-reviewer[bot]", "This is not a security issue, just style."))
                .isEmpty();
        assertThat(custom.finding("house-reviewer[bot]", "No security issues found."))
                .isEmpty();
        ReviewRules.Finding f = custom.finding(
                        "house-reviewer[bot]", "High: this is a bug, the lock is never released.")
                .orElseThrow();
        assertThat(f.evidence())
                .containsExactly("ai-reviewer:house-reviewer[bot]", "reviewer:house", "finding:marker bug");
        assertThat(f.severity()).isEqualTo("high");
    }

    @Test
    void aReviewersWorkloadTiesItsFindingsToThatWorkloadAndABadNameIsRefused() throws IOException {
        ReviewRules custom = ReviewRules.parse(yaml("""
                reviewers:
                  house: {logins: ["house-reviewer[bot]"], otherwise: finding, workload: code-review}
                  other: {logins: ["other-reviewer[bot]"], otherwise: finding}
                """), "test");
        assertThat(custom.workload("house-reviewer[bot]")).isEqualTo("code-review");
        assertThat(custom.reviewer("house-reviewer[bot]").orElseThrow().workload())
                .isEqualTo("code-review");
        assertThat(custom.workload("other-reviewer[bot]"))
                .as("no workload configured")
                .isNull();
        assertThat(custom.workload("octocat")).as("not a reviewer").isNull();
        // the built-in reviewers name no workload: their spend is not Tally's to know
        assertThat(rules.workload("coderabbitai[bot]")).isNull();
        assertThatThrownBy(() -> ReviewRules.parse(
                        yaml("reviewers: {x: {logins: [a], otherwise: finding, workload: 'Code Review'}}"), "f.yaml"))
                .hasMessageContaining("f.yaml reviewers.x.workload: 'Code Review' is not a workload name");
    }

    @Test
    void aHumanOrAnUnknownBotIsNeverAReviewer() {
        assertThat(rules.finding("octocat", body("bugbot-high.md"))).isEmpty();
        assertThat(rules.finding("dependabot[bot]", "Potential issue: a bug")).isEmpty();
        assertThat(rules.finding("coderabbitai[bot]", "")).isEmpty();
    }

    @Test
    void loginsMatchWhateverTheirCase() {
        assertThat(rules.reviewer("Copilot-Pull-Request-Reviewer[bot]"))
                .map(ReviewRules.Reviewer::key)
                .contains("copilot");
    }

    @Test
    void theReviewersOwnNoteThatACommitAddressedItIsRecognised() {
        assertThat(rules.confirmsFixed("coderabbitai[bot]", body("coderabbit-potential-issue-major.addressed.md")))
                .contains("addressed");
        assertThat(rules.confirmsFixed("coderabbitai[bot]", body("coderabbit-potential-issue-major.md")))
                .isEmpty();
    }

    @Test
    void aBrokenRulesFileNamesWhatIsWrong() {
        assertThatThrownBy(() -> ReviewRules.parse(yaml("reviewers: {x: {logins: [a], otherwise: maybe}}"), "f.yaml"))
                .hasMessageContaining("f.yaml reviewers.x.otherwise: 'maybe' is not finding, markers or none");
        assertThatThrownBy(() ->
                        ReviewRules.parse(yaml("reviewers: {x: {logins: [a], finding: {p: '(unclosed'}}}"), "f.yaml"))
                .hasMessageContaining("f.yaml reviewers.x.finding.p");
        assertThatThrownBy(
                        () -> ReviewRules.parse(yaml("reviewers: {x: {logins: [a], severity: ['(High)']}}"), "f.yaml"))
                .hasMessageContaining("has no (?<level>...) group");
    }

    private static InputStream yaml(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
