package dev.tally.outcomes.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class AttributionRulesTest {

    private static final String DEFAULT_TRAILERS =
            "^co-authored-by:.*(claude|copilot|cursor|codex|devin|aider|gemini|chatgpt|openai|anthropic)";

    private final AttributionRules rules = new AttributionRules(
            List.of(DEFAULT_TRAILERS),
            List.of("ai-assisted"),
            List.of("copilot-swe-agent[bot]"),
            Duration.ofHours(48),
            1);

    private static PrEvidence pr(List<String> messages, List<String> labels, String author, Long requests) {
        return new PrEvidence(messages, labels, author, requests);
    }

    @Test
    void aClaudeCoAuthorTrailerFiresWithoutTheEmail() {
        List<String> fired = rules.evaluate(
                pr(List.of("Fix retry\n\nCo-Authored-By: Claude <noreply@anthropic.com>"), List.of(), "alice", null));
        assertThat(fired).containsExactly("trailer:Co-Authored-By: Claude");
    }

    @Test
    void trailerCaseAndOtherAssistantsAreRecognisedOncePerDistinctLine() {
        List<String> fired = rules.evaluate(pr(
                List.of(
                        "a\n\nco-authored-by: Cursor Agent <cursoragent@cursor.com>",
                        "b\n\nCo-authored-by: Cursor Agent <cursoragent@cursor.com>\r\nCo-Authored-By: OpenAI Codex <codex@openai.com>"),
                List.of(),
                "alice",
                null));
        assertThat(fired)
                .containsExactly(
                        "trailer:co-authored-by: Cursor Agent",
                        "trailer:Co-authored-by: Cursor Agent",
                        "trailer:Co-Authored-By: OpenAI Codex");
    }

    @Test
    void humanCoAuthorsAndMentionsOutsideATrailerDoNotFire() {
        List<String> fired = rules.evaluate(pr(
                List.of(
                        "Pair work\n\nCo-Authored-By: Bob Builder <bob@example.com>",
                        "Mention Claude in the body but not as a trailer",
                        "Signed-off-by: Claude Shannon <claude@example.com>"),
                List.of(),
                "alice",
                null));
        assertThat(fired).isEmpty();
    }

    @Test
    void aConfiguredLabelFiresAndOtherLabelsDoNot() {
        assertThat(rules.evaluate(pr(List.of(), List.of("bug", "AI-Assisted"), "alice", null)))
                .containsExactly("label:AI-Assisted");
        assertThat(rules.evaluate(pr(List.of(), List.of("bug", "ai"), "alice", null)))
                .isEmpty();
    }

    @Test
    void aConfiguredBotAuthorFiresAndAHumanDoesNot() {
        assertThat(rules.evaluate(pr(List.of(), List.of(), "copilot-swe-agent[bot]", null)))
                .containsExactly("bot-author:copilot-swe-agent[bot]");
        assertThat(rules.evaluate(pr(List.of(), List.of(), "dependabot[bot]", null)))
                .isEmpty();
    }

    @Test
    void gatewayUseFiresFromTheThresholdOnAndSaysHowMuchInWhichWindow() {
        assertThat(rules.evaluate(pr(List.of(), List.of(), "alice", 3L))).containsExactly("gateway-use:3 calls in 48h");
        assertThat(rules.evaluate(pr(List.of(), List.of(), "alice", 1L))).containsExactly("gateway-use:1 call in 48h");
        assertThat(rules.evaluate(pr(List.of(), List.of(), "alice", 0L))).isEmpty();
        assertThat(rules.evaluate(pr(List.of(), List.of(), "alice", null))).isEmpty();
        AttributionRules strict = new AttributionRules(List.of(), List.of(), List.of(), Duration.ofMinutes(90), 5);
        assertThat(strict.evaluate(pr(List.of(), List.of(), "alice", 4L))).isEmpty();
        assertThat(strict.evaluate(pr(List.of(), List.of(), "alice", 5L)))
                .containsExactly("gateway-use:5 calls in 90m");
    }

    @Test
    void everyRuleThatFiresIsListedInAStableOrder() {
        List<String> fired = rules.evaluate(pr(
                List.of("x\n\nCo-Authored-By: Claude <noreply@anthropic.com>"),
                List.of("ai-assisted"),
                "copilot-swe-agent[bot]",
                12L));
        assertThat(fired)
                .containsExactly(
                        "trailer:Co-Authored-By: Claude",
                        "label:ai-assisted",
                        "bot-author:copilot-swe-agent[bot]",
                        "gateway-use:12 calls in 48h");
    }

    @Test
    void trailerPatternsAreConfigurable() {
        AttributionRules custom =
                new AttributionRules(List.of("^assisted-by:\\s*\\S+"), List.of(), List.of(), Duration.ofHours(1), 1);
        assertThat(custom.evaluate(pr(List.of("x\n\nAssisted-by: Windsurf"), List.of(), "a", null)))
                .containsExactly("trailer:Assisted-by: Windsurf");
        assertThat(custom.evaluate(
                        pr(List.of("x\n\nCo-Authored-By: Claude <noreply@anthropic.com>"), List.of(), "a", null)))
                .isEmpty();
    }
}
