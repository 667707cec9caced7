package dev.tally.outcomes.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How Tally talks to GitHub: the webhook secret it verifies and the REST API it reads PR commits from. */
@ConfigMapping(prefix = "tally.github")
public interface GitHubConfig {

    /** Secret that signs webhook deliveries ({@code X-Hub-Signature-256}); unset = the webhook answers 503. */
    Optional<String> webhookSecret();

    /** Token for the REST API; when unset, attribution uses only what the webhook payload carries. */
    Optional<String> token();

    /** REST API base URL (GitHub Enterprise Server: {@code https://HOST/api/v3}). */
    @WithDefault("https://api.github.com")
    String apiUrl();

    /** Timeout of one REST API request. */
    @WithDefault("10s")
    Duration apiTimeout();

    /** How often a delivery whose processing failed is tried in all before it stays {@code failed}. */
    @WithDefault("5")
    int maxAttempts();

    /** How long a received or failed delivery waits before the retry job picks it up again. */
    @WithDefault("60s")
    Duration retryAfter();

    /** How often the retry job looks for deliveries due for another try. */
    @WithDefault("30s")
    Duration retryEvery();

    /** After this long a delivery still marked processing (the instance died) may be claimed again. */
    @WithDefault("5m")
    Duration processingTimeout();
}
