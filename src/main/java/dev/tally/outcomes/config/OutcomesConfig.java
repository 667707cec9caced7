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
        /**
         * A YAML file of AI reviewer rules that replaces the built-in {@code outcomes/reviewers.yaml}
         * (which reviewers, which of their comments are findings, severities); see docs/outcomes.md.
         */
        Optional<String> rulesFile();
    }

    interface Sarif {
        /** SARIF tool names ({@code runs[].tool.driver.name}, case-insensitive) whose findings count as AI work. */
        Optional<List<String>> aiTools();

        /**
         * Fingerprint values that never identify a result, whatever else the upload holds (Semgrep OSS
         * without a login writes {@code "requires login"}); such results are identified by their location.
         */
        @WithDefault("requires login")
        List<String> placeholderFingerprints();
    }
}
