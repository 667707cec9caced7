package dev.tally.outcomes.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.core.Response;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.tally.outcomes.config.GitHubConfig;
import dev.tally.outcomes.review.ReviewRules;
import dev.tally.platform.ApiException;

/**
 * Fuzzes the webhook payload reader through the real resource, {@link GitHubWebhookResource#receive}:
 * any body under any event name, signed with the webhook secret (so the fuzzer gets past the signature)
 * or carrying a fuzzed signature header. It answers 200/202 or refuses with 400, 401 or 415, never
 * anything else and never an unexpected exception. Recording and processing are replaced by
 * classification only (they need the database); {@link GitHubOutcomes#payloadTexts} is read as the
 * processor would. Seeds and kept crashes:
 * {@code src/test/resources/dev/tally/outcomes/github/GitHubWebhookFuzzTestInputs/receive/} (the last
 * bytes of a seed choose the event and the signature; the rest is the body).
 */
class GitHubWebhookFuzzTest {

    private static final String SECRET = "fuzz-webhook-secret";
    private static final List<String> EVENTS = List.of(
            GitHubEvents.PING,
            GitHubEvents.PULL_REQUEST,
            GitHubEvents.PULL_REQUEST_REVIEW,
            GitHubEvents.PULL_REQUEST_REVIEW_COMMENT,
            GitHubEvents.PULL_REQUEST_REVIEW_THREAD,
            "push",
            "star");
    /** The built-in reviewer rules (outcomes/reviewers.yaml). */
    private static final ReviewRules RULES = ReviewRules.load(Optional.empty());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final GitHubWebhookResource RESOURCE = new GitHubWebhookResource(
            config(), new ClassifyOnly(), new NoProcessing(), MAPPER, new SimpleMeterRegistry());

    @FuzzTest
    void receive(FuzzedDataProvider data) {
        String event = data.pickValue(EVENTS);
        boolean signed = data.consumeBoolean();
        String header = signed ? null : data.consumeString(80);
        byte[] body = data.consumeRemainingAsBytes();
        if (signed) {
            header = new WebhookSignature(SECRET).sign(body);
        }
        try {
            Response r = RESOURCE.receive(
                    new ByteArrayInputStream(body),
                    String.valueOf(body.length),
                    header,
                    event,
                    "72d3162e-cc78-11e3-81ab-4c9367dc0958",
                    "application/json");
            assertThat(r.getStatus()).isIn(200, 202);
        } catch (ApiException e) {
            assertThat(e.status()).isIn(400, 401, 415);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** Records nothing: classifies the payload as intake does, and reads its texts as processing does. */
    static final class ClassifyOnly extends WebhookIntake {
        ClassifyOnly() {
            super(null, null, null, null, null, null);
        }

        @Override
        public Recorded record(String deliveryId, String event, JsonNode payload, String rawBody) {
            GitHubEvents.Classified c = GitHubEvents.classify(event, payload, RULES);
            if (!c.used()) {
                return new Recorded(Result.IGNORED, c.reason());
            }
            GitHubOutcomes.payloadTexts(payload);
            return new Recorded(Result.ACCEPTED, null);
        }
    }

    static final class NoProcessing extends DeliveryProcessor {
        NoProcessing() {
            super(null, null, null, null, config(), null);
        }

        @Override
        public void submit(String deliveryId) {
            // processing needs the database and Kafka; the fuzz target stops at intake
        }
    }

    private static GitHubConfig config() {
        return new GitHubConfig() {
            @Override
            public Optional<String> webhookSecret() {
                return Optional.of(SECRET);
            }

            @Override
            public Optional<String> token() {
                return Optional.empty();
            }

            @Override
            public String apiUrl() {
                return "https://api.github.com";
            }

            @Override
            public Duration apiTimeout() {
                return Duration.ofSeconds(10);
            }

            @Override
            public int maxAttempts() {
                return 5;
            }

            @Override
            public Duration retryAfter() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Duration retryEvery() {
                return Duration.ofSeconds(30);
            }

            @Override
            public Duration processingTimeout() {
                return Duration.ofMinutes(5);
            }
        };
    }
}
