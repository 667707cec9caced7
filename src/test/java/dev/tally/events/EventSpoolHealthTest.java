package dev.tally.events;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.platform.TestStack;

/** The application's publisher: one bean, its readiness check and its metrics. */
@QuarkusTest
@WithTestResource(TestStack.class)
class EventSpoolHealthTest {

    /** Metrics are on the management interface, not the public port. */
    @TestHTTPResource(value = "/metrics", management = true)
    URL metricsUrl;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL readyUrl;

    @Inject
    Instance<EventPublisher> publishers;

    @Test
    void thereIsExactlyOnePublisherAndItIsTheSpoolingOne() {
        assertThat(publishers.stream().toList()).hasSize(1);
        assertThat(publishers.get()).isInstanceOf(SpoolingEventPublisher.class);
        // it spools from start until Kafka has answered (KafkaStartup, in the background), then sends directly
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((SpoolingEventPublisher) publishers.get()).mode() == SpoolingEventPublisher.Mode.DIRECT);
    }

    @Test
    void readinessReportsTheSpoolUpWithItsDepth() {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> ((SpoolingEventPublisher) publishers.get()).mode() == SpoolingEventPublisher.Mode.DIRECT);
        List<Map<String, Object>> checks = given().get(readyUrl)
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("Event spool"))
                .extract()
                .path("checks.findAll { it.name == 'Event spool' }");
        assertThat(checks).hasSize(1);
        assertThat(checks.get(0).get("status")).isEqualTo("UP");
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) checks.get(0).get("data");
        assertThat(data).containsEntry("mode", "direct").containsKeys("records", "bytes", "maxBytes", "percentFull");
    }

    @Test
    void spoolMetricsAreExported() {
        given().get(metricsUrl)
                .then()
                .statusCode(200)
                .body(containsString("tally_events_spool_records"))
                .body(containsString("tally_events_spool_bytes"))
                .body(containsString("tally_events_dropped_total"));
    }
}
