package dev.tally.outcomes.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Rules of outcome ingestion: what counts as AI-assisted, as a finding, and which team a repository is. */
@ConfigMapping(prefix = "tally.outcomes")
public interface OutcomesConfig {

    Attribution attribution();

    Reviews reviews();

    Sarif sarif();

    /**
     * Repository → team fallback when the author maps to no employee: pattern (exact {@code owner/name}
     * or a glob with {@code *}) → team name, e.g. {@code tally.outcomes.repo-teams."acme/payments-*"=Payments}.
     */
    Map<String, String> repoTeams();

    interface Attribution {
        /**
         * Regular expressions (case-insensitive, per line) that mark a commit-message line as an AI
         * co-author trailer. Commas separate patterns, so a pattern cannot contain one.
         */
        @WithDefault("^co-authored-by:.*(claude|copilot|cursor|codex|devin|aider|gemini|chatgpt|openai|anthropic)")
        List<String> trailerPatterns();

        /** PR labels (case-insensitive) that declare a PR AI-assisted. */
        @WithDefault("ai-assisted,ai-generated")
        List<String> labels();

        /** PR authors (GitHub logins, case-insensitive) that are AI agents. */
        @WithDefault("copilot-swe-agent[bot],Copilot,devin-ai-integration[bot],claude[bot],cursor[bot],codex[bot]")
        List<String> botAuthors();

        /** Gateway use by the author's keys within this window before the merge counts as evidence. */
        @WithDefault("48h")
        Duration gatewayWindow();

        /** Minimum number of gateway requests in the window for the gateway-use rule to fire. */
        @WithDefault("1")
        long gatewayMinRequests();
    }

    interface Reviews {
        /** GitHub logins of AI reviewers whose findings count as {@code bug_caught}. */
        @WithDefault("coderabbitai[bot],copilot-pull-request-reviewer[bot],claude[bot],greptile-apps[bot],cursor[bot]")
        List<String> aiReviewers();

        /** Markers (case-insensitive substrings) in a review or review comment that mean it reports a finding. */
        @WithDefault("potential issue,bug,vulnerability,security,\u26a0\ufe0f,\ud83d\udc1b")
        List<String> findingMarkers();

        /** Severity words looked for in a finding's text, most severe first; the first found is its severity. */
        @WithDefault("critical,high,major,medium,minor,low")
        List<String> severities();

        /** Whether an AI reviewer's review in state {@code changes_requested} is a finding by itself. */
        @WithDefault("true")
        boolean changesRequestedIsFinding();
    }

    interface Sarif {
        /** SARIF tool names ({@code runs[].tool.driver.name}, case-insensitive) whose findings count as AI work. */
        Optional<List<String>> aiTools();
    }
}
