package dev.tally.alert.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import dev.tally.platform.TallyServices;
import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class AlertChannelApiTest {

    static final String SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX";

    @Inject
    AlertChannelService channels;

    @Inject
    DataSource dataSource;

    static ValidatableResponse post(Object body) {
        return given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/alert-channels")
                .then();
    }

    @Test
    void aSlackUrlAndAWebhookSecretAreNeverReturnedAndAreSealedInTheDatabase() throws Exception {
        // no alert names these channels and none takes the digest, so nothing is ever sent to the URLs
        String slack = post(Map.of("type", "slack", "name", "finance", "url", SLACK_URL))
                .statusCode(201)
                .body("urlHint", is("https://hooks.slack.com/…"))
                .body("digest", is(false))
                .body("$", not(hasKey("url")))
                .body("$", not(hasKey("secret")))
                .extract()
                .path("id");
        String secret = "a-webhook-secret-" + UUID.randomUUID();
        String hook = post(Map.of(
                        "type",
                        "webhook",
                        "name",
                        "siem",
                        "url",
                        "https://siem.example.test/in?token=abc",
                        "secret",
                        secret))
                .statusCode(201)
                .body("hasSecret", is(true))
                .body("$", not(hasKey("secret")))
                .extract()
                .path("id");

        String list = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/alert-channels")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(list).contains(slack, hook).doesNotContain("XXXXXXXXXXXXXXXXXXXXXXXX", secret, "token=abc");

        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT url_sealed, secret_sealed FROM alert_channel WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(hook));
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(new String(rs.getBytes(1), StandardCharsets.ISO_8859_1))
                        .doesNotContain("siem.example.test");
                assertThat(new String(rs.getBytes(2), StandardCharsets.ISO_8859_1))
                        .doesNotContain(secret);
            }
        }
        Channel opened = channels.channel(UUID.fromString(hook)).orElseThrow();
        assertThat(opened.secret()).isEqualTo(secret);
        assertThat(opened.url()).isEqualTo("https://siem.example.test/in?token=abc");
        assertThat(opened.toString()).doesNotContain(secret, "token=abc");
    }

    @Test
    void aWebhookWithoutASecretGetsAGeneratedOneShownOnce() {
        String secret = post(Map.of("type", "webhook", "name", "generated", "url", "https://example.test/hook"))
                .statusCode(201)
                .body("hasSecret", is(true))
                .extract()
                .path("secret");
        assertThat(secret).matches("[0-9a-f]{64}");
        String id = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/alert-channels")
                .then()
                .extract()
                .path("find { it.name == 'generated' }.id");
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/alert-channels/" + id)
                .then()
                .statusCode(200)
                .body("$", not(hasKey("secret")));
        assertThat(channels.channel(UUID.fromString(id)).orElseThrow().secret()).isEqualTo(secret);
    }

    @Test
    void badInputGetsAPreciseProblem() {
        record Case(Map<String, Object> body, String detail) {}
        List<Case> cases = List.of(
                new Case(Map.of("type", "sms", "name", "x"), "type: must be one of slack, webhook, email (got 'sms')"),
                new Case(Map.of("name", "x"), "type: must be one of slack, webhook, email"),
                new Case(Map.of("type", "slack", "name", "x"), "url: required for slack and webhook channels"),
                new Case(
                        Map.of("type", "slack", "name", "x", "url", "ftp://example.test/"),
                        "url: must start with https:// (or http://)"),
                new Case(
                        Map.of("type", "webhook", "name", "x", "url", "https://u:p@example.test/"),
                        "url: must not carry a user name or password"),
                new Case(
                        Map.of("type", "webhook", "name", "x", "url", "https://example.test/", "secret", "short"),
                        "secret: at least 16 characters (or leave it out and Tally generates one)"),
                new Case(
                        Map.of("type", "slack", "name", "x", "url", SLACK_URL, "secret", "0123456789abcdef"),
                        "secret: only webhook channels have a secret"),
                new Case(Map.of("type", "email", "name", "x"), "to: at least one e-mail address for an email channel"),
                new Case(
                        Map.of("type", "email", "name", "x", "to", List.of("ok@example.test", "not-an-address")),
                        "to[1]: 'not-an-address' is not an e-mail address"),
                new Case(
                        Map.of("type", "email", "name", " ", "to", List.of("ok@example.test")),
                        "name: must not be blank"));
        for (Case c : cases) {
            post(c.body())
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", is(c.detail()));
        }
        given().contentType(ContentType.JSON)
                .body(Map.of("type", "slack", "name", "x", "url", SLACK_URL))
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(401);
    }

    /**
     * A channel's change and its audit entry commit or roll back together (AuditLog's contract): the
     * rows were written by one PostgreSQL transaction, so they carry the same {@code xmin}.
     */
    @Test
    void aChannelsChangeAndItsAuditEntryAreOneTransaction() {
        UUID id = UUID.fromString(post(Map.of("type", "email", "name", "audited", "to", List.of("a@example.test")))
                .statusCode(201)
                .extract()
                .path("id"));
        assertThat(xmin("alert_channel.create", id)).isEqualTo(channelXmin(id));
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/alert-channels/" + id)
                .then()
                .statusCode(204);
        assertThat(xmin("alert_channel.delete", id)).isEqualTo(channelXmin(id));
    }

    private long channelXmin(UUID id) {
        return TestSql.count(dataSource, "SELECT xmin::text::bigint FROM alert_channel WHERE id = ?", id);
    }

    private long xmin(String action, UUID id) {
        return TestSql.count(
                dataSource,
                "SELECT xmin::text::bigint FROM audit_log WHERE action = ? AND target_id = ? ORDER BY id DESC LIMIT 1",
                action,
                id.toString());
    }

    @Test
    void aDeletedChannelIsGoneFromTheListAndNoLongerExists() {
        UUID id = UUID.fromString(post(Map.of("type", "email", "name", "to delete", "to", List.of("a@example.test")))
                .statusCode(201)
                .extract()
                .path("id"));
        assertThat(channels.exists(id)).isTrue();
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/alert-channels/" + id)
                .then()
                .statusCode(204);
        assertThat(channels.exists(id)).isFalse();
        assertThat(channels.exists(UUID.randomUUID())).isFalse();
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/alert-channels/" + id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/alert-channels/" + id)
                .then()
                .statusCode(404);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/alert-channels/" + id + "/test")
                .then()
                .statusCode(404);
        assertThat(given().auth()
                        .oauth2(TallyServices.ADMIN_TOKEN)
                        .get("/api/admin/alert-channels")
                        .then()
                        .extract()
                        .asString())
                .doesNotContain(id.toString());
    }
}
