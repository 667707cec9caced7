package dev.tally.outcomes.github;

/** The GitHub REST API could not be read (network, rate limit, bad token): the delivery is retried. */
public class GitHubApiException extends Exception {

    public GitHubApiException(String message) {
        super(message);
    }

    public GitHubApiException(String message, Throwable cause) {
        super(message, cause);
    }
}
