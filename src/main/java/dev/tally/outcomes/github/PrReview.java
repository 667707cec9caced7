package dev.tally.outcomes.github;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One review of a pull request, as a {@code pull_request_review} delivery or the REST API tells it.
 *
 * @param state as submitted; a dismissed review keeps the state it was submitted with when Tally saw
 *              the submission (the REST API then reports only {@code DISMISSED})
 */
public record PrReview(long id, String login, State state, Instant submittedAt) {

    /** A review's verdict. */
    public enum State {
        APPROVED,
        CHANGES_REQUESTED,
        COMMENTED,
        DISMISSED;

        /** GitHub's spelling in webhooks ({@code changes_requested}) or the REST API ({@code CHANGES_REQUESTED}); PENDING is no review yet. */
        public static Optional<State> of(String github) {
            if (github == null) {
                return Optional.empty();
            }
            return switch (github.toUpperCase(Locale.ROOT)) {
                case "APPROVED" -> Optional.of(APPROVED);
                case "CHANGES_REQUESTED" -> Optional.of(CHANGES_REQUESTED);
                case "COMMENTED" -> Optional.of(COMMENTED);
                case "DISMISSED" -> Optional.of(DISMISSED);
                default -> Optional.empty();
            };
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
