package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tally.gateway.Admin;
import dev.tally.platform.OwnSettings;
import dev.tally.platform.TestStack;

/**
 * The default single JVM (every role): while the gateway's call rate is above the busy threshold
 * the aggregator waits between its batches (and says so in its metrics), yet every call through the
 * gateway is counted exactly once, and the rollups catch up once the load stops. (That a trickle
 * below the threshold is not paced: {@link AggregatorPacingTest}, and DemoTest with the demo's own
 * traffic and the default threshold.)
 */
@QuarkusTest
@TestProfile(OwnSettings.class)
@WithTestResource(TestStack.class)
class AggregatorUnderGatewayLoadTest {

    private static final int MAX_BATCH = OwnSettings.MAX_BATCH_UNDER_LOAD;

    /** At least this many calls, and more until a wait is recorded. */
    private static final int MIN_CALLS = 480;

    private static final int CLIENTS = 8;

    @TestHTTPResource("/v1/chat/completions")
    URL chat;

    @Inject
    AggregatorMetrics metrics;

    @Inject
    DataSource dataSource;

    RollupFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new RollupFixtures(dataSource);
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void aBusyGatewayPacesTheAggregatorWhichStillCountsEveryCallOnceAndCatchesUp() throws Exception {
        Admin.Key key = Admin.newKey(Map.of("requestsPerMinute", 1_000_000, "tokensPerMinute", 1_000_000_000));
        UUID team = UUID.fromString(key.teamId());
        long pacedBefore = metrics.pacedCount();

        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest call = HttpRequest.newBuilder(URI.create(chat.toString()))
                .header("Authorization", "Bearer " + key.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build();
        AtomicBoolean loadOn = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> loops = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                loops.add(clients.submit(() -> {
                    while (loadOn.get()) {
                        sent.incrementAndGet();
                        if (http.send(call, HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                == 200) {
                            answered.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            // the batches committed while the calls come in are followed by waits for the gateway
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(metrics.pacedCount())
                            .as("waits for the gateway recorded in tally_aggregator_paced_seconds")
                            .isGreaterThan(pacedBefore));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= MIN_CALLS);
            // while paced, a poll's records are committed in batches of at most MAX_BATCH (the
            // batch that saw the load begin is committed before the first wait counted above)
            AggregatorMetrics.Batches before = metrics.batches();
            long pacedNow = metrics.pacedCount();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> metrics.pacedCount() >= pacedNow + 3
                            && metrics.batches().count() >= before.count() + 3);
            AggregatorMetrics.Batches after = metrics.batches();
            long batches = after.count() - before.count();
            long records = after.records() - before.records();
            assertThat(records)
                    .as("records in the %d batches committed under load", batches)
                    .isLessThanOrEqualTo(batches * MAX_BATCH);
        } finally {
            loadOn.set(false);
            for (Future<?> loop : loops) {
                loop.get(); // a client's failure fails the test
            }
            clients.shutdownNow();
        }
        assertThat(answered.get()).as("calls answered 200").isEqualTo(sent.get());

        // and once the load stops the rollups catch up: each answered call exactly once
        int calls = answered.get();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> fx.requests(team) >= calls);
        assertThat(fx.requests(team))
                .as("requests in the rollups = calls answered")
                .isEqualTo(calls);
        assertThat(fx.hourlyTotals(team).get("requests")).isEqualTo(calls);
    }
}
