package dev.tally.pricing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * An override made on this instance while its periodic re-read of the overrides is under way: the
 * re-read began before the override was committed, so what it read lacks it.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class PriceOverrideRefreshTest {

    @Inject
    PriceService prices;

    @AfterEach
    void noHook() {
        prices.afterLoad(() -> {});
    }

    @Test
    void anOverrideCommittedDuringARefreshIsNotUndoneByWhatThatRefreshRead() {
        String model = "local-llama-" + UUID.randomUUID().toString().substring(0, 8);
        refreshWith(() -> {
            putPrice(model);
            assertThat(prices.price(model))
                    .as("applied on this instance when the admin call answers")
                    .isNotNull();
        });
        assertThat(prices.price(model))
                .as("after the refresh that read the overrides before it")
                .isNotNull();
        assertThat(prices.price(model).rates().input()).isEqualTo(100_000_000L);
    }

    @Test
    void aRemovedOverrideIsNotBroughtBackByARefreshThatReadItBefore() {
        String model = "local-llama-" + UUID.randomUUID().toString().substring(0, 8);
        putPrice(model);
        refreshWith(() -> given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/prices/" + model)
                .then()
                .statusCode(204));
        assertThat(prices.price(model)).isNull();
    }

    /** Runs a refresh on this thread with {@code change} made between its read and its install. */
    private void refreshWith(Runnable change) {
        Thread test = Thread.currentThread();
        prices.afterLoad(() -> {
            if (Thread.currentThread() != test) {
                return; // the scheduled refresh: only the one this test runs is interrupted by the change
            }
            prices.afterLoad(() -> {});
            change.run();
        });
        prices.refresh();
    }

    private static void putPrice(String model) {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("input", "0.1", "output", "0.2", "cacheRead", "0", "cacheWrite", "0"))
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200);
    }
}
