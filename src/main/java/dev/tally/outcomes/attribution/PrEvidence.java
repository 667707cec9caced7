package dev.tally.outcomes.attribution;

import java.util.List;

/**
 * What is known about a merged PR when deciding whether AI helped: the texts that may carry commit
 * trailers (commit messages from the REST API, or what the payload carries), its labels, its author,
 * and how many gateway requests the author's keys made in the window before the merge (null when
 * the author maps to no employee).
 */
public record PrEvidence(List<String> commitMessages, List<String> labels, String authorLogin, Long gatewayRequests) {

    public PrEvidence {
        commitMessages = commitMessages == null ? List.of() : List.copyOf(commitMessages);
        labels = labels == null ? List.of() : List.copyOf(labels);
    }
}
