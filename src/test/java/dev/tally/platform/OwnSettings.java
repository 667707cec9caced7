package dev.tally.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The settings that would change what the shared application's tests see, for the tests that each
 * need one of them, in one application: an organisation whose days are New York's
 * ({@code ZoneReportsTest}, {@code OutcomeZoneTest}), review rules of its own
 * ({@code ReviewerWorkloadFlowTest}), an aggregator paced at a low gateway load
 * ({@code AggregatorUnderGatewayLoadTest}) and gateway limits short enough for a test to reach them
 * ({@code HostileInputTest}). None of them reads what the others set. Each further application costs
 * the suite about 12 s (it is prepared at discovery and started in between): four profiles of one
 * setting each were four.
 *
 * <p>Use it as {@code @WithTestResource(TestStack.class) @TestProfile(OwnSettings.class)}.
 */
public class OwnSettings implements QuarkusTestProfile {

    /** The organisation's time zone (TALLY_TIMEZONE). */
    public static final String ZONE = "America/New_York";

    /** The one reviewer of the review rules: its login, and the workload its findings count for. */
    public static final String REVIEWER_LOGIN = "house-review[bot]";

    public static final String REVIEWER_WORKLOAD =
            "house-review-" + UUID.randomUUID().toString().substring(0, 8);

    /**
     * The aggregator's pacing, for {@code AggregatorUnderGatewayLoadTest}: the default share (0.25),
     * a busy threshold of 50 calls/s instead of 500 (that test's load comes from its own JVM on a
     * shared 2-core machine, which may not reach 500 calls a second), and batches of at most
     * {@link #MAX_BATCH_UNDER_LOAD} records while paced instead of 2,000 (which that load would not
     * fill), so that a poll's records are split. And a calm rate of 1 call/s instead of 50: on a
     * loaded CI machine the test's clients slowed below 50 calls/s for a window, the gateway counted
     * as calm, and the batch after held the records that had piled up meanwhile, which is the pacing
     * working as designed but not what the test measures. The other tests here make too few calls to
     * be paced.
     */
    public static final int BUSY_CALLS_PER_SECOND = 50;

    public static final int CALM_CALLS_PER_SECOND = 1;

    public static final int MAX_BATCH_UNDER_LOAD = 5;

    /**
     * The gateway limits of {@code HostileInputTest}: short enough that a test reaches them in a second
     * or two. They are above what the other tests here send (small bodies, sent at once; short calls).
     * The first-byte timeout is long, so that a call the fake provider never answers ({@code -hold})
     * stays in flight until its client leaves. A profile's settings take precedence over the test
     * resources' ({@code FakeProvider} sets a first-byte timeout and a body size limit of its own);
     * {@code HostileInputTest} checks that the gateway runs with these.
     */
    public static final int INVALID_KEY_BURST = 5;

    public static final int BODY_TIMEOUT_MS = 1500;

    public static final String MAX_BODY_SIZE = "2M";

    public static final String MAX_CALL_DURATION = "3s";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("tally.gateway.max-body-size", MAX_BODY_SIZE),
                Map.entry("tally.gateway.body-timeout", BODY_TIMEOUT_MS + "ms"),
                Map.entry("tally.gateway.first-byte-timeout", "60s"),
                Map.entry("tally.gateway.max-call-duration", MAX_CALL_DURATION),
                Map.entry("tally.gateway.invalid-key-burst", Integer.toString(INVALID_KEY_BURST)),
                Map.entry("tally.gateway.invalid-keys-per-minute", "1"),
                Map.entry("tally.timezone", ZONE),
                Map.entry("tally.outcomes.reviews.rules-file", rulesFile().toString()),
                Map.entry("tally.aggregator.gateway-busy-calls-per-second", String.valueOf(BUSY_CALLS_PER_SECOND)),
                Map.entry("tally.aggregator.gateway-calm-calls-per-second", String.valueOf(CALM_CALLS_PER_SECOND)),
                Map.entry("tally.aggregator.max-batch-under-gateway-load", String.valueOf(MAX_BATCH_UNDER_LOAD)));
    }

    private static Path rulesFile() {
        try {
            Path rules = Files.createTempFile("reviewers-", ".yaml");
            rules.toFile().deleteOnExit();
            Files.writeString(rules, """
                    reviewers:
                      house:
                        name: House reviewer
                        logins: ["%s"]
                        otherwise: finding
                        workload: %s
                    """.formatted(REVIEWER_LOGIN, REVIEWER_WORKLOAD));
            return rules;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
