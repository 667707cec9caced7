package dev.tally.outcomes.github;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tally.outcomes.config.OutcomesConfig;

/**
 * When a review or review comment is a bug caught by AI: its author is a configured AI reviewer and
 * it reports a finding — a configured marker in its text, or (for reviews) the state
 * {@code changes_requested}. An AI reviewer's approval or small talk is not a caught bug.
 */
public final class ReviewRules {

    public static final String AI_REVIEWER = "ai-reviewer:";
    public static final String FINDING = "finding:";

    /** A finding: the rules that fired (for {@code attribution[]}) and the severity word found, if any. */
    public record Finding(List<String> evidence, String severity) {
    }

    private final Set<String> reviewers;
    private final List<String> markers;
    private final List<String> severities;
    private final boolean changesRequested;

    public ReviewRules(List<String> reviewers, List<String> markers, List<String> severities, boolean changesRequested) {
        this.reviewers = reviewers.stream().map(r -> r.strip().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.markers = markers.stream().map(String::strip).filter(m -> !m.isEmpty()).toList();
        this.severities = severities.stream().map(s -> s.strip().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        this.changesRequested = changesRequested;
    }

    public static ReviewRules from(OutcomesConfig.Reviews c) {
        return new ReviewRules(c.aiReviewers(), c.findingMarkers(), c.severities(), c.changesRequestedIsFinding());
    }

    public boolean isAiReviewer(String login) {
        return login != null && reviewers.contains(login.toLowerCase(Locale.ROOT));
    }

    /** The finding in a review ({@code state} non-null) or review comment ({@code state} null), if it is one. */
    public Optional<Finding> finding(String login, String state, String body) {
        if (!isAiReviewer(login)) {
            return Optional.empty();
        }
        List<String> evidence = new ArrayList<>();
        evidence.add(AI_REVIEWER + login);
        boolean found = false;
        if (changesRequested && state != null && "changes_requested".equalsIgnoreCase(state)) {
            evidence.add(FINDING + "changes_requested");
            found = true;
        }
        String text = body == null ? "" : body.toLowerCase(Locale.ROOT);
        for (String m : markers) {
            if (text.contains(m.toLowerCase(Locale.ROOT))) {
                evidence.add(FINDING + "marker " + m);
                found = true;
                break;
            }
        }
        if (!found) {
            return Optional.empty();
        }
        String severity = null;
        for (String s : severities) {
            if (containsWord(text, s)) {
                severity = s;
                break;
            }
        }
        return Optional.of(new Finding(evidence, severity));
    }

    private static boolean containsWord(String text, String word) {
        int i = text.indexOf(word);
        while (i >= 0) {
            boolean startOk = i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1));
            int end = i + word.length();
            boolean endOk = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
            if (startOk && endOk) {
                return true;
            }
            i = text.indexOf(word, i + 1);
        }
        return false;
    }
}
