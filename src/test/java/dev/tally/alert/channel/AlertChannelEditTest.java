package dev.tally.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import dev.tally.access.Access;
import dev.tally.gateway.Admin;
import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

/**
 * Editing an alert channel: {@code PATCH /api/admin/alert-channels/{id}} and the Alerts page's edit
 * form, against the real app (embedded PostgreSQL and Kafka), a real HTTP receiver and real sign-ins.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class AlertChannelEditTest {

    static final String SLACK_URL = AlertChannelApiTest.SLACK_URL;
    static final String SECRET = "the-first-secret-0123456789";

    @Inject
    AlertChannelService channels;

    @Inject
    ChannelSecrets secrets;

    @Inject
    AlertDeliveries deliveries;

    @Inject
    DataSource dataSource;

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

    static ValidatableResponse patch(Object id, Object body) {
        return Access.admin()
                .contentType(ContentType.JSON)
                .body(body)
                .patch("/api/admin/alert-channels/" + id)
                .then();
    }

    static UUID create(Map<String, Object> body) {
        return UUID.fromString(
                AlertChannelApiTest.post(body).statusCode(201).extract().path("id"));
    }

    static String unique(String name) {
        return name + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    static UUID webhook(String name, String url) {
        return create(Map.of("type", "webhook", "name", name, "url", url, "secret", SECRET));
    }

    static UUID email(String name, String... to) {
        return create(Map.of("type", "email", "name", name, "to", List.of(to)));
    }

    static JsonPath get(UUID id) {
        return Access.admin()
                .get("/api/admin/alert-channels/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    // ---- the API -----------------------------------------------------------------------------------

    @Test
    void aPatchChangesTheFieldsItGivesKeepsTheOthersAndAnswersTheChannelAsGetShowsIt() {
        String name = unique("Hook");
        UUID id = webhook(name, "https://siem.example.test/in?token=abc");

        String renamed = unique("Renamed hook");
        String answer = patch(id, Map.of("name", "  " + renamed + " ", "digest", true))
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("id", is(id.toString()))
                .body("name", is(renamed))
                .body("type", is("webhook"))
                .body("urlHint", is("https://siem.example.test/…"))
                .body("hasSecret", is(true))
                .body("digest", is(true))
                .body("$", not(hasKey("url")))
                .body("$", not(hasKey("secret")))
                .extract()
                .asString();
        assertThat(JsonPath.from(answer).getMap("$")).isEqualTo(get(id).getMap("$"));
        assertThat(answer).doesNotContain("token=abc", SECRET);
        Channel kept = channels.channel(id).orElseThrow();
        assertThat(kept.url()).isEqualTo("https://siem.example.test/in?token=abc");
        assertThat(kept.secret()).isEqualTo(SECRET);

        // an e-mail channel: new recipients, the digest off again, the name kept
        String mailName = unique("Mail");
        UUID mail = email(mailName, "old@example.test");
        patch(mail, Map.of("to", List.of("cfo@example.test", " ap@example.test "), "digest", false))
                .statusCode(200)
                .body("name", is(mailName))
                .body("to", is(List.of("cfo@example.test", "ap@example.test")))
                .body("digest", is(false));
        // an empty body changes nothing
        patch(mail, Map.of()).statusCode(200).body("name", is(mailName)).body("to[0]", is("cfo@example.test"));
        channels.delete(id); // it took the digest: not left for the weekly digest
        channels.delete(mail);
    }

    @Test
    void aNewUrlAndSecretAreSealedForThisChannelAsCreateSealsThemAndNeverReturned() throws Exception {
        UUID id = webhook(unique("Rotated"), "https://old.example.test/hook");
        String secret = "the-rotated-secret-" + UUID.randomUUID();
        String answer = patch(id, Map.of("url", "https://new.example.test/hook?token=xyz", "secret", secret))
                .statusCode(200)
                .body("urlHint", is("https://new.example.test/…"))
                .body("hasSecret", is(true))
                .extract()
                .asString();
        assertThat(answer).doesNotContain("token=xyz", secret);

        byte[] url;
        byte[] sealedSecret;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT url_sealed, secret_sealed FROM alert_channel WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                url = rs.getBytes(1);
                sealedSecret = rs.getBytes(2);
            }
        }
        assertThat(new String(url, StandardCharsets.ISO_8859_1)).doesNotContain("new.example.test");
        assertThat(new String(sealedSecret, StandardCharsets.ISO_8859_1)).doesNotContain(secret);
        assertThat(secrets.open(id, url)).isEqualTo("https://new.example.test/hook?token=xyz");
        assertThat(secrets.open(id, sealedSecret)).isEqualTo(secret);
        // the channel id is the associated data: the sealed values do not open as another channel's
        assertThatThrownBy(() -> secrets.open(UUID.randomUUID(), sealedSecret))
                .isInstanceOf(IllegalStateException.class);
        assertThat(channels.channel(id).orElseThrow().url()).isEqualTo("https://new.example.test/hook?token=xyz");
    }

    @Test
    void theTypeCannotChangeButTheChannelsOwnTypeIsAccepted() {
        String name = unique("Slack");
        UUID id = create(Map.of("type", "slack", "name", name, "url", SLACK_URL));
        patch(id, Map.of("type", "email", "to", List.of("a@example.test")))
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        is("type: a channel's type cannot change (this one is slack, got 'email'); add a new"
                                + " channel to deliver another way"));
        patch(id, Map.of("type", "sms")).statusCode(400).body("detail", startsWith("type: "));
        patch(id, Map.of("type", "slack", "name", name + " (same type)"))
                .statusCode(200)
                .body("type", is("slack"))
                .body("name", is(name + " (same type)"));
        assertThat(get(id).getString("type")).isEqualTo("slack");
    }

    @Test
    void badInputIsRefusedWithTheCreatesOwnMessageAndChangesNothing() {
        UUID slack = create(Map.of("type", "slack", "name", unique("Checked slack"), "url", SLACK_URL));
        UUID hook = webhook(unique("Checked hook"), "https://hook.example.test/in");
        UUID mail = email(unique("Checked mail"), "ok@example.test");
        record Case(UUID id, Map<String, Object> body, String detail) {}
        List<Case> cases = List.of(
                new Case(slack, Map.of("url", "ftp://example.test/"), "url: must start with https:// (or http://)"),
                new Case(slack, Map.of("url", "not a url"), null),
                new Case(slack, Map.of("url", ""), "url: required for slack and webhook channels"),
                new Case(
                        hook,
                        Map.of("url", "https://u:p@example.test/"),
                        "url: must not carry a user name or password"),
                new Case(
                        hook,
                        Map.of("secret", "short"),
                        "secret: at least 16 characters (or leave it out and Tally generates one)"),
                new Case(slack, Map.of("secret", "0123456789abcdef"), "secret: only webhook channels have a secret"),
                new Case(mail, Map.of("secret", "0123456789abcdef"), "secret: only webhook channels have a secret"),
                new Case(hook, Map.of("to", List.of("a@example.test")), "to: only email channels have recipients"),
                new Case(slack, Map.of("to", List.of("a@example.test")), "to: only email channels have recipients"),
                new Case(
                        mail,
                        Map.of("url", "https://example.test/"),
                        "url: email channels have recipients (to), not a url"),
                new Case(
                        mail,
                        Map.of("to", List.of("ok@example.test", "not-an-address")),
                        "to[1]: 'not-an-address' is not an e-mail address"),
                new Case(mail, Map.of("to", List.of()), "to: at least one e-mail address for an email channel"),
                new Case(mail, Map.of("name", " "), "name: must not be blank"),
                new Case(hook, Map.of("name", "x".repeat(201)), "name: size must be between 0 and 200"));
        Map<UUID, Map<String, Object>> before = new HashMap<>();
        for (UUID id : List.of(slack, hook, mail)) {
            before.put(id, get(id).getMap("$"));
        }
        for (Case c : cases) {
            ValidatableResponse refused =
                    patch(c.id(), c.body()).statusCode(400).contentType("application/problem+json");
            if (c.detail() != null) {
                refused.body("detail", is(c.detail()));
            } else {
                refused.body("detail", startsWith("url: not a valid URL"));
            }
        }
        // the same words as the create's for the same mistake
        AlertChannelApiTest.post(
                        Map.of("type", "webhook", "name", "x", "url", "https://h.example.test/", "secret", "short"))
                .statusCode(400)
                .body("detail", is("secret: at least 16 characters (or leave it out and Tally generates one)"));
        for (UUID id : List.of(slack, hook, mail)) {
            assertThat(get(id).getMap("$")).as("unchanged").isEqualTo(before.get(id));
        }
        assertThat(channels.channel(hook).orElseThrow().secret()).isEqualTo(SECRET);
        // without the admin token: 401; no body: 400
        io.restassured.RestAssured.given()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "anonymous"))
                .patch("/api/admin/alert-channels/" + slack)
                .then()
                .statusCode(401);
        Access.admin()
                .contentType(ContentType.JSON)
                .patch("/api/admin/alert-channels/" + slack)
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aMisspeltFieldIsRefusedNamingItOnCreateAndEditAndChangesNothing() {
        String name = unique("Typo mail");
        // "digest" misspelt: the channel would have been created without the weekly digest
        AlertChannelApiTest.post(Map.of("type", "email", "name", name, "to", List.of("a@example.test"), "digets", true))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", is("digets: unknown field; expected one of digest, name, secret, to, type, url"));
        Access.admin().get("/api/admin/alert-channels").then().statusCode(200).body("name", not(hasItem(name)));

        UUID mail = email(name, "a@example.test");
        Map<String, Object> before = get(mail).getMap("$");
        // the whole edit is refused, the field Tally knows ("digest") included
        patch(mail, Map.of("nmae", name + " renamed", "digest", true))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("nmae: unknown field; expected one of "));
        assertThat(get(mail).getMap("$")).as("unchanged").isEqualTo(before);
    }

    @Test
    void aChannelAsGetAnswersItGoesBackInAPatchWithItsReadOnlyFieldsIgnored() {
        UUID mail = email(unique("Round trip"), "a@example.test");
        Map<String, Object> got = new java.util.HashMap<>(get(mail).getMap("$"));
        assertThat(got).containsKeys("id", "hasSecret", "createdAt");
        got.put("to", List.of("b@example.test"));
        patch(mail, got).statusCode(200).body("to", is(List.of("b@example.test")));
        assertThat(get(mail).getList("to")).containsExactly("b@example.test");
    }

    @Test
    void anUnknownOrDeletedChannelIsNotFound() {
        patch(UUID.randomUUID(), Map.of("name", "nobody")).statusCode(404).contentType("application/problem+json");
        UUID id = email(unique("Deleted"), "gone@example.test");
        Access.admin().delete("/api/admin/alert-channels/" + id).then().statusCode(204);
        patch(id, Map.of("name", "back from the dead"))
                .statusCode(404)
                .contentType("application/problem+json")
                .body("detail", is("no alert channel " + id));
    }

    @Test
    void anEditIsAuditedBeforeAndAfterInItsOwnTransactionWithoutTheUrlOrSecret() {
        String name = unique("Audited");
        UUID id = webhook(name, "https://audit.example.test/in?token=first");
        String secret = "audited-secret-" + UUID.randomUUID();
        patch(id, Map.of("name", name + " v2", "url", "https://audit2.example.test/in?token=second", "secret", secret))
                .statusCode(200);

        Map<String, Object> entry = Access.auditEntry("alert_channel.update", id.toString());
        assertThat(entry.get("actor")).isEqualTo("admin-token");
        Map<?, ?> before = (Map<?, ?>) entry.get("before");
        Map<?, ?> after = (Map<?, ?>) entry.get("after");
        assertThat(before.get("name")).isEqualTo(name);
        assertThat(before.get("urlHint")).isEqualTo("https://audit.example.test/…");
        assertThat(after.get("name")).isEqualTo(name + " v2");
        assertThat(after.get("urlHint")).isEqualTo("https://audit2.example.test/…");
        assertThat(after.get("urlReplaced")).isEqualTo(true);
        assertThat(after.get("secretReplaced")).isEqualTo(true);
        assertThat(entry.toString())
                .doesNotContain("token=first", "token=second", SECRET, secret)
                .doesNotContain("\"secret\"");
        assertThat(after.containsKey("secret")).isFalse();
        // one transaction with the change, as create and delete are
        long entryXmin = TestSql.count(
                dataSource,
                "SELECT xmin::text::bigint FROM audit_log WHERE action = 'alert_channel.update' AND target_id = ?"
                        + " ORDER BY id DESC LIMIT 1",
                id.toString());
        assertThat(entryXmin)
                .isEqualTo(TestSql.count(dataSource, "SELECT xmin::text::bigint FROM alert_channel WHERE id = ?", id));

        // a rename only: neither is said to be replaced
        patch(id, Map.of("name", name + " v3")).statusCode(200);
        Map<?, ?> renamed = (Map<?, ?>)
                Access.auditEntry("alert_channel.update", id.toString()).get("after");
        assertThat(renamed.get("name")).isEqualTo(name + " v3");
        assertThat(renamed.get("urlReplaced")).isEqualTo(false);
        assertThat(renamed.get("secretReplaced")).isEqualTo(false);
    }

    @Test
    void budgetsKeepNamingAnEditedChannel() {
        UUID id = email(unique("Budgeted"), "fin@example.test");
        String budget = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name", unique("Keeps its channel"),
                        "scope", "team",
                        "scopeId", Admin.newKey().teamId(),
                        "period", "month",
                        "amountUsd", "1000",
                        "mode", "alert",
                        "channelIds", List.of(id.toString())))
                .post("/api/admin/budgets")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        patch(id, Map.of("name", unique("Budgeted, renamed"), "to", List.of("finance@example.test")))
                .statusCode(200)
                .body("id", is(id.toString()));
        assertThat(Access.admin()
                        .get("/api/admin/budgets/" + budget)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("channelIds", String.class))
                .containsExactly(id.toString());
        Access.admin().delete("/api/admin/budgets/" + budget).then().statusCode(204);
    }

    /**
     * The sender reads the channel at each attempt: an alert whose first attempt failed against the
     * old URL goes, at its next attempt, to the new URL, signed with the new secret; and that attempt
     * is due at once, not after the failed attempt's backoff.
     */
    @Test
    void aDeliveryNotYetSentGoesToTheChannelAsItIsNowAndAtOnce() throws Exception {
        String oldPath = "/edit-old/" + UUID.randomUUID();
        String newPath = "/edit-new/" + UUID.randomUUID();
        UUID hook = webhook(unique("Moving"), receiver.url(oldPath));
        receiver.down(oldPath);
        String alert = "budget-edit:2026-12:threshold:80:" + UUID.randomUUID();
        deliveries.stop(); // this test moves time itself
        try {
            String sent = topic.send(AlertTopic.threshold(alert, UUID.randomUUID(), "Payments", List.of(hook)));
            await().atMost(Duration.ofSeconds(30)).until(() -> status(alert, hook) != null);
            Instant t0 = Instant.now();
            deliveries.runDue(t0);
            assertThat(receiver.requests(oldPath)).hasSize(1);
            assertThat(status(alert, hook)).isEqualTo("pending");

            String secret = "the-new-secret-" + UUID.randomUUID();
            patch(hook, Map.of("url", receiver.url(newPath), "secret", secret)).statusCode(200);
            // before the first backoff (10 s) is over: a mended channel's retry does not wait for it
            deliveries.runDue(Instant.now());
            assertThat(receiver.requests(oldPath)).hasSize(1);
            assertThat(receiver.requests(newPath)).hasSize(1);
            Receiver.Request req = receiver.requests(newPath).get(0);
            assertThat(req.body()).isEqualTo(sent);
            assertThat(req.header("X-Tally-Signature-256")).isEqualTo(Receiver.signature(secret, sent));
            assertThat(req.header("X-Tally-Delivery")).isEqualTo(alert);
            assertThat(status(alert, hook)).isEqualTo("delivered");
        } finally {
            deliveries.start();
        }
    }

    private String status(String alertId, UUID channel) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT status FROM alert_delivery WHERE alert_id = ? AND channel_id = ?")) {
            ps.setString(1, alertId);
            ps.setObject(2, channel);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    // ---- the Alerts page's edit form ---------------------------------------------------------------

    @Test
    void anAdminEditsAChannelOnTheAlertsPageAsThePatchWould() {
        String name = unique("Page hook");
        UUID id = webhook(name, "https://page.example.test/in?token=abc");
        String list = Access.adminUser()
                .get("/alerts")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(AlertChannelApiTest.channelRow(list, id.toString()))
                .contains("href=\"/alerts?edit=" + id + "#channel-form\"");

        String form = Access.adminUser()
                .get("/alerts?edit=" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(form)
                .contains("Edit channel “" + name + "”")
                .contains("action=\"/alerts/channels/" + id + "#channel-form\"")
                .contains("id=\"channel-name\" maxlength=\"200\" value=\"" + name + "\"")
                .contains("id=\"channel-type-fixed\">Webhook — your own system, signed<")
                .doesNotContain("id=\"channel-type\"") // the type is shown, not a choice
                .contains("id=\"channel-url\" maxlength=\"2000\" value=\"\"")
                .contains("leave empty to keep https://page.example.test/…")
                .contains("leave empty to keep the current secret")
                .contains("id=\"channel-secret-input\" maxlength=\"500\" value=\"\"")
                .doesNotContain("id=\"channel-to\"") // a webhook has no recipients
                .doesNotContain("token=abc")
                .doesNotContain(SECRET);

        // a rename, the URL and the secret left empty: kept
        Map<String, Object> fields = new HashMap<>(Map.of("name", name + " renamed", "url", "", "secret", ""));
        Response saved = Access.postForm(Access::adminUser, "/alerts/channels/" + id, fields, "/alerts");
        saved.then().statusCode(303).header("Location", endsWith("/alerts?done=updated&channel=" + id + "#channels"));
        assertThat(get(id).getString("name")).isEqualTo(name + " renamed");
        assertThat(get(id).getBoolean("digest")).isFalse();
        Channel kept = channels.channel(id).orElseThrow();
        assertThat(kept.url()).isEqualTo("https://page.example.test/in?token=abc");
        assertThat(kept.secret()).isEqualTo(SECRET);
        Map<String, Object> audited = Access.auditEntry("alert_channel.update", id.toString());
        assertThat(audited.get("actor").toString()).startsWith("user:admin-");
        assertThat(audited.get("actorRole")).isEqualTo("admin");
        assertThat(Access.adminUser()
                        .get("/alerts?done=updated&channel=" + id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("Channel “" + name + " renamed” saved.");

        // a new URL and secret
        String secret = "page-rotated-secret-" + UUID.randomUUID();
        fields = new HashMap<>(Map.of("name", name, "url", "https://rotated.example.test/in", "secret", secret));
        Access.postForm(Access::adminUser, "/alerts/channels/" + id, fields, "/alerts")
                .then()
                .statusCode(303);
        Channel rotated = channels.channel(id).orElseThrow();
        assertThat(rotated.url()).isEqualTo("https://rotated.example.test/in");
        assertThat(rotated.secret()).isEqualTo(secret);
        String after = Access.adminUser()
                .get("/alerts")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(AlertChannelApiTest.channelRow(after, id.toString())).contains("https://rotated.example.test/…");
        assertThat(after).doesNotContain(secret);

        // an e-mail channel: its recipients one a line and the digest, prefilled, then changed
        String mailName = unique("Page mail");
        UUID mail = email(mailName, "cfo@example.test", "ap@example.test");
        assertThat(Access.adminUser()
                        .get("/alerts?edit=" + mail)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains(">cfo@example.test\nap@example.test</textarea>")
                .contains("id=\"channel-type-fixed\">E-mail — one or more addresses<")
                .doesNotContain("id=\"channel-url\"")
                .doesNotContain("id=\"channel-secret-input\"")
                .doesNotContain("id=\"channel-digest\" value=\"on\" checked");
        Access.postForm(
                        Access::adminUser,
                        "/alerts/channels/" + mail,
                        Map.of("name", mailName, "to", "finance@example.test\r\n", "digest", "on"),
                        "/alerts")
                .then()
                .statusCode(303);
        assertThat(get(mail).getList("to", String.class)).containsExactly("finance@example.test");
        assertThat(get(mail).getBoolean("digest")).isTrue();
        assertThat(Access.adminUser()
                        .get("/alerts?edit=" + mail)
                        .then()
                        .extract()
                        .asString())
                .contains("id=\"channel-digest\" value=\"on\" checked");
        channels.delete(mail); // it took the digest
    }

    @Test
    void aRefusedEditComesBackUncachedWithTheApisMessageAndTheValuesAsTyped() {
        String name = unique("Refused hook");
        UUID id = webhook(name, "https://refused.example.test/in");
        Map<String, Object> fields = new HashMap<>();
        fields.put("name", name + " typed");
        fields.put("url", "https://typed.example.test/new");
        fields.put("secret", "short");
        fields.put("digest", "on");
        Response refused = Access.postForm(Access::adminUser, "/alerts/channels/" + id, fields, "/alerts");
        refused.then()
                .statusCode(400)
                .contentType(containsString("text/html"))
                .header("Cache-Control", containsString("no-store"));
        assertThat(refused.asString())
                .contains("Not saved — secret: at least 16 characters (or leave it out and Tally generates one)")
                .contains("Edit channel “" + name + "”") // the stored name, not the one refused
                .contains("value=\"" + name + " typed\"")
                .contains("value=\"https://typed.example.test/new\"")
                .contains("id=\"channel-digest\" value=\"on\" checked")
                .contains("action=\"/alerts/channels/" + id + "#channel-form\"")
                .doesNotContain("Exception");
        JsonPath unchanged = get(id);
        assertThat(unchanged.getString("name")).isEqualTo(name);
        assertThat(unchanged.getString("urlHint")).isEqualTo("https://refused.example.test/…");
        assertThat(unchanged.getBoolean("digest")).isFalse();

        assertThat(Access.postForm(Access::adminUser, "/alerts/channels/" + id, Map.of("name", " "), "/alerts")
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("Not saved — name: must not be blank");
        assertThat(Access.postForm(
                                Access::adminUser,
                                "/alerts/channels/" + id,
                                Map.of("name", name, "url", "ftp://example.test/"),
                                "/alerts")
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("Not saved — url: must start with https:// (or http://)");
        UUID mail = email(unique("Refused mail"), "ok@example.test");
        assertThat(Access.postForm(
                                Access::adminUser,
                                "/alerts/channels/" + mail,
                                Map.of("name", "Refused mail", "to", "  \n"),
                                "/alerts")
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("Not saved — to: at least one e-mail address for an email channel");
        assertThat(get(mail).getList("to", String.class)).containsExactly("ok@example.test");
    }

    @Test
    void onlyAnAdminEditsChannelsOnThePage() {
        String name = unique("Guarded edit");
        UUID id = email(name, "guard@example.test");
        Map<String, Object> fields = Map.of("name", "By someone else", "to", "other@example.test");

        String page =
                Access.leader().get("/alerts").then().statusCode(200).extract().asString();
        assertThat(AlertChannelApiTest.channelRow(page, id.toString()))
                .contains(name)
                .doesNotContain("Edit");
        assertThat(page).doesNotContain("/alerts?edit=");
        assertThat(Access.leader()
                        .get("/alerts?edit=" + id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .doesNotContain("channel-form");
        Access.postForm(Access::leader, "/alerts/channels/" + id, fields, "/alerts")
                .then()
                .statusCode(403);
        Supplier<RequestSpecification> lead =
                () -> Access.teamLead(Admin.newKey().teamId());
        Access.postForm(lead, "/alerts/channels/" + id, fields, "/").then().statusCode(403);
        Access.assertFormGuarded("/alerts/channels/" + id, fields);

        assertThat(get(id).getString("name")).isEqualTo(name);
        assertThat(get(id).getList("to", String.class)).containsExactly("guard@example.test");
    }

    @Test
    void editingAChannelDeletedMeanwhileSaysItIsGone() {
        String name = unique("Deleted while edited");
        UUID id = email(name, "gone@example.test");
        Access.adminUser().get("/alerts?edit=" + id).then().statusCode(200);
        Access.admin().delete("/api/admin/alert-channels/" + id).then().statusCode(204);

        Access.postForm(
                        Access::adminUser,
                        "/alerts/channels/" + id,
                        Map.of("name", name, "to", "gone@example.test"),
                        "/alerts")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/alerts?done=gone#channels"));
        assertThat(Access.adminUser()
                        .get("/alerts?done=gone")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("Not saved: that channel was deleted while you were editing it.");
        Access.adminUser().get("/alerts?edit=" + id).then().statusCode(404);
        Access.admin().get("/api/admin/alert-channels/" + id).then().statusCode(404);
    }
}
