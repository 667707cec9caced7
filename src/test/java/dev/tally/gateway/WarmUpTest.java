package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.platform.TestStack;

/**
 * The gateway's warm-up ({@link WarmUp}): every shape answered 200 through the real gateway port,
 * to its loopback provider, never a configured one; nothing recorded; its key dead afterwards; and
 * it waits for calm and gives way to a busy gateway. The warm-up at start is off by default; these tests start it.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class WarmUpTest {

    @Inject
    WarmUp warmUp;

    @Inject
    GatewayMetrics metrics;

    private WarmUp.Result warm(int calls, String key) throws Exception {
        return warmUp.run("127.0.0.1", RestAssured.port, calls, key)
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    /** The key is not the warm-up's: a call presenting it is refused as any unknown key. */
    private void assertRefused(String key) {
        assertThat(warmUp.admits(key)).isFalse();
        given().header("Authorization", "Bearer " + key)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions")
                .then()
                .statusCode(401);
    }

    @Test
    void everyShapeIsAnsweredThroughTheGatewayByTheLoopbackProviderAndNothingIsRecorded() throws Exception {
        int calls = 3 * WarmUp.SHAPES.size();
        long recordedBefore = metrics.calls();
        int providerCallsBefore = FakeProvider.REQUESTS.get();
        // reads every usage event from before the warm-up on
        try (UsageEvents events = new UsageEvents()) {
            WarmUp.Result r = warm(calls, "tly_warmup_test_every_shape_0123456789abcdef");

            assertThat(r.failure()).isNull();
            assertThat(r.calls()).isEqualTo(calls);
            assertThat(r.ok()).isEqualTo(calls);
            assertThat(FakeProvider.REQUESTS.get())
                    .as("no warm-up call reaches a configured provider")
                    .isEqualTo(providerCallsBefore);

            // a real call afterwards is recorded once, and is the only call recorded since
            Admin.Key key = Admin.newKey();
            Response real = given().header("Authorization", "Bearer " + key.key())
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                    .post("/v1/chat/completions");
            assertThat(real.statusCode()).isEqualTo(200);
            events.await(real.header("x-request-id"));
            assertThat(metrics.calls() - recordedBefore).isEqualTo(1);
            assertThat(events.all())
                    .noneMatch(e -> WarmUp.KEY
                            .keyId()
                            .toString()
                            .equals(e.path("data").path("keyId").asText()));
        }
    }

    @Test
    void theWarmUpsKeyIsRefusedOnceTheWarmUpHasEnded() throws Exception {
        String key = "tly_warmup_test_refused_after_0123456789abcdef";
        assertThat(warm(WarmUp.SHAPES.size(), key).ok()).isEqualTo(WarmUp.SHAPES.size());

        assertRefused(key);
    }

    @Test
    void givesWayWhenTheClientsCallsKeepTheGatewayBusyTooLong() throws Exception {
        // every look at the load finds a whole busy window since the last, longer than the warm-up waits
        AtomicLong ticker = new AtomicLong();
        AtomicLong recorded = new AtomicLong();
        WarmUp.Load busy = new WarmUp.Load(
                () -> recorded.addAndGet(1_000_000),
                () -> ticker.addAndGet(WarmUp.GIVE_UP_NANOS + WarmUp.WINDOW_MILLIS * 1_000_000));

        WarmUp.Result r = warmUp.run(
                        "127.0.0.1", RestAssured.port, 1_000, "tly_warmup_test_gives_way_0123456789abcdef", busy)
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);

        assertThat(r.gaveWay()).isTrue();
        assertThat(r.failure()).isNull();
        assertThat(r.calls()).as("the gateway was never calm: no call went out").isZero();
    }

    @Test
    void nothingIsOpenedOrAcceptedUntilTheClientsCallsHaveBeenCalmForTwoSeconds() throws Exception {
        // the test moves the warm-up's clock; each whole window it measures reads the clients' count once
        AtomicLong ticker = new AtomicLong();
        AtomicLong windows = new AtomicLong();
        WarmUp.Load load = new WarmUp.Load(
                () -> {
                    windows.incrementAndGet();
                    return 0L;
                },
                ticker::get);
        String key = "tly_warmup_test_waits_for_calm_0123456789abcdef";
        int calls = WarmUp.SHAPES.size();
        CompletableFuture<WarmUp.Result> run = warmUp.run("127.0.0.1", RestAssured.port, calls, key, load)
                .toCompletionStage()
                .toCompletableFuture();

        try {
            ticker.set(WarmUp.CALM_BEFORE_NANOS - 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> windows.get() >= 2);
            assertThat(run).as("calm for just under 2 s: still waiting").isNotDone();
            assertRefused(key);

            ticker.set(WarmUp.CALM_BEFORE_NANOS + WarmUp.WINDOW_MILLIS * 1_000_000);
            WarmUp.Result r = run.get(60, TimeUnit.SECONDS);
            assertThat(r.gaveWay()).isFalse();
            assertThat(r.ok()).isEqualTo(calls);
        } finally {
            // a failed check must not leave the warm-up waiting, in the way of the other tests
            ticker.addAndGet(2 * WarmUp.WAIT_AT_MOST_NANOS);
            await().atMost(Duration.ofSeconds(60)).until(run::isDone);
        }
    }

    @Test
    void aKeyIsNotTheWarmUpsWhenNoWarmUpRuns() {
        assertThat(warmUp.admits("tly_warmup_anything_0123456789abcdef")).isFalse();
        assertThat(warmUp.admits(null)).isFalse();
    }
}
