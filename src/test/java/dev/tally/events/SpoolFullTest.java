package dev.tally.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.platform.Ports;

/** Kafka never answers and the spool is small: the readiness check warns as it fills, then goes DOWN. */
class SpoolFullTest {

    @TempDir
    Path dir;

    SpoolingEventPublisher publisher;
    final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();

    @AfterEach
    void close() {
        if (publisher != null) {
            publisher.close();
        }
    }

    @Test
    void readinessWarnsAsTheSpoolFillsAndIsDownWhenItIsFull() throws Exception {
        int one = SpoolFormat.encode(
                        new SpoolRecord("t", "team", UUID.randomUUID().toString(), mapper.writeValueAsBytes(event())))
                .remaining();
        var options = new SpoolingEventPublisher.Options(
                1000, 10L * one, 1 << 20, Duration.ofSeconds(1), Duration.ofMillis(200), 50, Duration.ofSeconds(1));
        // nothing listens on this port: every send fails
        publisher = new SpoolingEventPublisher(
                        Map.of("bootstrap.servers", "127.0.0.1:" + Ports.freePort()),
                        dir.resolve("spool"),
                        options,
                        mapper)
                .start();
        SpoolReadiness readiness = new SpoolReadiness(publisher, 0.5);

        HealthCheckResponse empty = readiness.call();
        assertThat(empty.getName()).isEqualTo("Event spool");
        assertThat(empty.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(empty.getData().get()).doesNotContainKey("warning");

        publish(7);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> publisher.spoolRecords() == 7);
        HealthCheckResponse filling = readiness.call();
        assertThat(filling.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(filling.getData().get()).containsEntry("records", 7L).containsEntry("mode", "spooling");
        assertThat((String) filling.getData().get().get("warning")).contains("70% full");

        publish(5);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> publisher.dropped() == 2);
        HealthCheckResponse full = readiness.call();
        assertThat(full.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(full.getData().get()).containsEntry("records", 10L).containsEntry("dropped", 2L);
    }

    void publish(int n) {
        for (int i = 0; i < n; i++) {
            publisher.publish("t", event());
        }
    }

    /** Every event the same size: a UUID id, a fixed time, the same data. */
    static CloudEvent<Map<String, Integer>> event() {
        return CloudEvent.of(
                UUID.randomUUID().toString(),
                "/test",
                CloudEvent.USAGE_TYPE,
                "team",
                Instant.parse("2026-11-27T10:00:00Z"),
                Map.of("n", 0));
    }
}
