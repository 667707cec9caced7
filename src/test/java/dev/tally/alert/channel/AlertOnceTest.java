package dev.tally.alert.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/** Each alert reaches each of its channels once: across a consumer restart, a redelivery and two consumers. */
@QuarkusTest
@WithTestResource(TestStack.class)
class AlertOnceTest {

    @Inject
    AlertIntake intake;

    static Receiver receiver;
    static AlertTopic topic;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
        topic = new AlertTopic();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        topic.close();
    }

    @Test
    void eachAlertIsDeliveredOnceAcrossARestartARedeliveryAndTwoConsumers() {
        String path = "/once/" + UUID.randomUUID();
        UUID hook = UUID.fromString(given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "type",
                        "webhook",
                        "name",
                        "once",
                        "url",
                        receiver.url(path),
                        "secret",
                        "once-secret-0123456789"))
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(201)
                .extract()
                .path("id"));
        UUID team = UUID.randomUUID();
        String a = "budget-once:2026-12:threshold:50:" + UUID.randomUUID();
        String b = "budget-once:2026-12:threshold:80:" + UUID.randomUUID();
        String c = "budget-once:2026-12:threshold:100:" + UUID.randomUUID();

        intake.stop(); // two consumers of the group stand in for two instances
        AlertConsumer first = intake.newConsumer().start();
        AlertConsumer second = intake.newConsumer().start();
        try {
            topic.send(AlertTopic.threshold(a, team, "Once", List.of(hook)));
            await().atMost(Duration.ofSeconds(60)).until(() -> ids(path).contains(a));

            first.close(); // a restart: the other member takes over, then a new one joins
            AlertConsumer third = intake.newConsumer().start();
            second.close();
            second = third;
            // the publisher sends alert a again (its own retry), then b, on the same partition (same team)
            topic.send(AlertTopic.threshold(a, team, "Once", List.of(hook)));
            topic.send(AlertTopic.threshold(b, team, "Once", List.of(hook, hook)));
            await().atMost(Duration.ofSeconds(60)).until(() -> ids(path).contains(b));

            second.close();
            intake.start(); // the app's own consumer again, from the committed offsets
            topic.send(AlertTopic.threshold(b, team, "Once", List.of(hook)));
            topic.send(AlertTopic.threshold(c, team, "Once", List.of(hook)));
            await().atMost(Duration.ofSeconds(60)).until(() -> ids(path).contains(c));

            assertThat(ids(path)).containsExactly(a, b, c);
        } finally {
            first.close();
            second.close();
            intake.start();
        }
    }

    private static List<String> ids(String path) {
        return receiver.requests(path).stream()
                .map(r -> r.header("X-Tally-Delivery"))
                .toList();
    }
}
