package dev.tally.alert.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.events.CloudEvent;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * Alerts produced into the real broker reach a real local HTTP receiver (Slack Block Kit, signed
 * webhook) and a real SMTP server (GreenMail); failed attempts are retried with backoff and logged.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class AlertDeliveryTest {

    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    DataSource dataSource;

    @Inject
    AlertDeliveries deliveries;

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

    static UUID channel(Map<String, Object> body) {
        return UUID.fromString(given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(201)
                .extract()
                .path("id"));
    }

    static String hmac(String secret, String body) throws Exception {
        return Receiver.signature(secret, body);
    }

    record Row(String status, int attempts, String lastError) {}

    Row delivery(String alertId, UUID channel) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT status, attempts, last_error FROM alert_delivery WHERE alert_id = ? AND channel_id = ?")) {
            ps.setString(1, alertId);
            ps.setObject(2, channel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Row(rs.getString(1), rs.getInt(2), rs.getString(3)) : null;
            }
        }
    }

    @Test
    void aSlackChannelGetsAReadableBlockKitMessageWithTheFiguresTheProjectionAndTheTeamLink() throws Exception {
        String path = "/slack/" + UUID.randomUUID();
        UUID slack = channel(Map.of("type", "slack", "name", "finance-alerts", "url", receiver.url(path)));
        UUID team = UUID.randomUUID();
        topic.send(AlertTopic.threshold(
                "budget-a:2026-12:threshold:80:" + UUID.randomUUID(), team, "Payments", List.of(slack)));

        await().atMost(WAIT).until(() -> receiver.requests(path).size() == 1);
        Receiver.Request req = receiver.requests(path).get(0);
        assertThat(req.header("Content-Type")).startsWith("application/json");
        JsonNode msg = AlertTopic.JSON.readTree(req.body());
        assertThat(msg.path("text").asText()).contains("Budget 80% reached: Payments");
        JsonNode blocks = msg.path("blocks");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).path("text").path("text").asText()).isEqualTo("Budget 80% reached: Payments");
        assertThat(blocks.get(1).path("text").path("text").asText())
                .isEqualTo("Payments (team) has spent $400.00 of its $500.00 budget for the period from 1 Dec 2026.");
        assertThat(blocks.get(2).path("fields").findValuesAsText("text"))
                .contains(
                        "*Spent*\n$400.00 (80%)",
                        "*Budget*\n$500.00",
                        "*Projected for the period*\n$620.00",
                        "*Runs out*\n26 Dec 2026",
                        "*Period*\n1 Dec 2026 – 31 Dec 2026");
        JsonNode button = blocks.get(3).path("elements").get(0);
        assertThat(button.path("url").asText()).isEqualTo("http://localhost:8080/teams/" + team);
        assertThat(button.path("text").path("text").asText()).isEqualTo("Open in Tally");
    }

    @Test
    void messagesThatAreNoAlertsAreSkippedAndTheAlertAfterThemIsDelivered() throws Exception {
        String path = "/hook/" + UUID.randomUUID();
        UUID hook = channel(Map.of(
                "type", "webhook", "name", "after-poison", "url", receiver.url(path), "secret", "poison-0123456789"));
        UUID team = UUID.randomUUID();
        // on the alert's partition, before it: bytes that are no JSON, and an alert without its time
        topic.sendRaw(team.toString(), "not json at all".getBytes(StandardCharsets.UTF_8));
        topic.sendRaw(
                team.toString(),
                ("{\"type\":\"" + CloudEvent.ALERT_TYPE + "\",\"id\":\"no-time\",\"data\":{\"kind\":\"threshold\"}}")
                        .getBytes(StandardCharsets.UTF_8));
        String id = "budget-p:2026-12:threshold:80:" + UUID.randomUUID();
        topic.send(AlertTopic.threshold(id, team, "Search", List.of(hook)));

        await().atMost(WAIT).until(() -> receiver.requests(path).size() == 1);
        // the receiver has the request before the delivery's row says so
        await().atMost(WAIT).until(() -> new Row("delivered", 1, null).equals(delivery(id, hook)));
        assertThat(delivery("no-time", hook)).isNull();
    }

    @Test
    void aWebhookGetsTheCloudEventAsItsBodySignedWithTheChannelSecret() throws Exception {
        String path = "/hook/" + UUID.randomUUID();
        String secret = "s3cret-" + UUID.randomUUID();
        UUID hook = channel(Map.of("type", "webhook", "name", "ops-hook", "url", receiver.url(path), "secret", secret));
        String id = "budget-b:2026-12:threshold:80:" + UUID.randomUUID();
        String sent = topic.send(AlertTopic.threshold(id, UUID.randomUUID(), "Search", List.of(hook)));

        await().atMost(WAIT).until(() -> receiver.requests(path).size() == 1);
        Receiver.Request req = receiver.requests(path).get(0);
        assertThat(req.body()).isEqualTo(sent);
        assertThat(req.header("X-Tally-Signature-256")).isEqualTo(hmac(secret, sent));
        assertThat(req.header("X-Tally-Signature-256")).isNotEqualTo(hmac("another-secret-entirely", sent));
        assertThat(req.header("X-Tally-Delivery")).isEqualTo(id);
        assertThat(req.header("Content-Type")).startsWith("application/cloudevents+json");
        // the receiver has the request before the delivery's row says so
        await().atMost(WAIT).until(() -> new Row("delivered", 1, null).equals(delivery(id, hook)));
    }

    @Test
    void anEmailChannelSendsThroughARealSmtpServer() throws Exception {
        String to = "lead-" + UUID.randomUUID() + "@example.test";
        UUID mail = channel(Map.of("type", "email", "name", "team leads", "to", List.of(to)));
        topic.send(AlertTopic.threshold(
                "budget-c:2026-12:threshold:80:" + UUID.randomUUID(),
                UUID.randomUUID(),
                "Data Science",
                List.of(mail)));

        await().atMost(WAIT).until(() -> messagesTo(to).size() == 1);
        MimeMessage m = messagesTo(to).get(0);
        assertThat(m.getSubject()).isEqualTo("[Tally] Budget 80% reached: Data Science");
        assertThat(m.getFrom()[0].toString()).isEqualTo("tally-alerts@example.test");
        String text = m.getContent().toString();
        assertThat(text)
                .contains(
                        "Data Science (team) has spent $400.00 of its $500.00 budget",
                        "Projected for the period: $620.00",
                        "Runs out: 26 Dec 2026",
                        "Open in Tally: http://localhost:8080/teams/");
    }

    static List<MimeMessage> messagesTo(String address) throws Exception {
        List<MimeMessage> out = new ArrayList<>();
        for (MimeMessage m : SmtpServer.greenMail().getReceivedMessages()) {
            if (m.getAllRecipients() != null
                    && Arrays.stream(m.getAllRecipients())
                            .anyMatch(a -> a.toString().equals(address))) {
                out.add(m);
            }
        }
        return out;
    }

    @Test
    void aReceiverThatFailsIsRetriedWithBackoffAndTheLogKeepsTheAttemptsAndTheLastError() throws Exception {
        String path = "/flaky/" + UUID.randomUUID();
        UUID hook = channel(Map.of(
                "type", "webhook", "name", "flaky", "url", receiver.url(path), "secret", "flaky-secret-0123456789"));
        String id = "budget-d:2026-12:threshold:100:" + UUID.randomUUID();
        deliveries.stop(); // this test moves time itself
        try {
            topic.send(AlertTopic.threshold(id, UUID.randomUUID(), "Mobile", List.of(hook)));
            await().atMost(WAIT).until(() -> delivery(id, hook) != null);
            receiver.failNext(2);

            Instant t0 = Instant.now();
            deliveries.runDue(t0);
            assertThat(receiver.requests(path)).hasSize(1);
            assertThat(delivery(id, hook)).isEqualTo(new Row("pending", 1, "HTTP 503: busy"));

            deliveries.runDue(t0.plusSeconds(9)); // the first backoff is 10 s: not yet due
            assertThat(receiver.requests(path)).hasSize(1);

            deliveries.runDue(t0.plusSeconds(10));
            assertThat(receiver.requests(path)).hasSize(2);
            assertThat(delivery(id, hook)).isEqualTo(new Row("pending", 2, "HTTP 503: busy"));

            deliveries.runDue(t0.plusSeconds(10 + 29)); // the second backoff is 30 s
            assertThat(receiver.requests(path)).hasSize(2);

            deliveries.runDue(t0.plusSeconds(10 + 30));
            assertThat(receiver.requests(path)).hasSize(3);
            assertThat(delivery(id, hook)).isEqualTo(new Row("delivered", 3, "HTTP 503: busy"));
            assertThat(receiver.requests(path).get(2).body())
                    .isEqualTo(receiver.requests(path).get(0).body());

            deliveries.runDue(t0.plus(Duration.ofDays(1)));
            assertThat(receiver.requests(path)).hasSize(3);
        } finally {
            deliveries.start();
        }
    }

    @Test
    void aReceiverThatNeverRecoversIsGivenUpAfterTheLastAttempt() throws Exception {
        String path = "/down/" + UUID.randomUUID();
        UUID hook = channel(Map.of("type", "slack", "name", "down", "url", receiver.url(path)));
        String id = "budget-e:2026-12:blocked:100:" + UUID.randomUUID();
        deliveries.stop();
        try {
            topic.send(AlertTopic.threshold(id, UUID.randomUUID(), "Infra", List.of(hook)));
            await().atMost(WAIT).until(() -> delivery(id, hook) != null);
            receiver.failNext(1_000);
            Instant t = Instant.now();
            for (int attempt = 1; attempt <= 8; attempt++) {
                deliveries.runDue(t);
                assertThat(receiver.requests(path)).hasSize(attempt);
                t = t.plus(deliveries.backoff(attempt));
            }
            assertThat(delivery(id, hook)).isEqualTo(new Row("failed", 8, "HTTP 503: busy"));
            deliveries.runDue(t.plus(Duration.ofDays(30)));
            assertThat(receiver.requests(path)).hasSize(8);
        } finally {
            receiver.failNext(0);
            deliveries.start();
        }
    }

    @Test
    void theTestEndpointSendsASignedTestMessageAndSaysWhenTheReceiverRefusesIt() throws Exception {
        String path = "/test/" + UUID.randomUUID();
        String secret = "test-endpoint-secret-42";
        UUID hook = channel(Map.of("type", "webhook", "name", "test me", "url", receiver.url(path), "secret", secret));

        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/alert-channels/" + hook + "/test")
                .then()
                .statusCode(200)
                .body("delivered", is(true));
        Receiver.Request req = receiver.requests(path).get(0);
        assertThat(AlertTopic.JSON.readTree(req.body()).path("type").asText()).isEqualTo("dev.tally.alert.test.v1");
        assertThat(req.header("X-Tally-Signature-256")).isEqualTo(hmac(secret, req.body()));

        receiver.failNext(1);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/alert-channels/" + hook + "/test")
                .then()
                .statusCode(502)
                .contentType("application/problem+json")
                .body("detail", is("the test message was not delivered: HTTP 503: busy"));

        String to = "test-" + UUID.randomUUID() + "@example.test";
        UUID mail = channel(Map.of("type", "email", "name", "mail test", "to", List.of(to)));
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/alert-channels/" + mail + "/test")
                .then()
                .statusCode(200);
        assertThat(messagesTo(to))
                .singleElement()
                .satisfies(m -> assertThat(m.getSubject()).isEqualTo("[Tally] Test message from Tally"));
    }
}
