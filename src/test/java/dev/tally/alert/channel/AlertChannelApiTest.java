package dev.tally.alert.channel;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
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

    // ---- the Alerts page's channel forms -----------------------------------------------------------

    @Test
    void anAdminAddsChannelsOnTheAlertsPageAsTheApiWouldWithTheirAuditEntries() {
        String name = "Finance mail " + UUID.randomUUID().toString().substring(0, 8);
        assertThat(Access.adminUser()
                        .get("/alerts")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("id=\"channel-form\"")
                .contains("action=\"/alerts/channels#channel-form\"");

        Map<String, Object> fields = form(name, "email");
        fields.put("to", "cfo@example.test\r\n\r\n  ap@example.test \r\n");
        fields.put("digest", "on");
        fields.put("url", "https://typed-before-switching.example.test/"); // not the picked type's: left out
        Response created = Access.postForm(Access::adminUser, "/alerts/channels", fields, "/alerts");
        created.then().statusCode(303);
        String id = apiChannel(name).getString("id");
        assertThat(created.header("Location")).endsWith("/alerts?done=created&channel=" + id + "#channels");
        JsonPath stored = apiChannel(name);
        assertThat(stored.getString("type")).isEqualTo("email");
        assertThat(stored.getList("to", String.class)).containsExactly("cfo@example.test", "ap@example.test");
        assertThat(stored.getBoolean("digest")).isTrue();
        assertThat((Object) stored.get("urlHint")).isNull();
        Map<String, Object> audited = Access.auditEntry("alert_channel.create", id);
        assertThat(audited.get("actor").toString()).startsWith("user:admin-");
        assertThat(audited.get("actorRole")).isEqualTo("admin");
        assertThat(((Map<?, ?>) audited.get("after")).get("name")).isEqualTo(name);

        // listed, with where it goes and the budgets that use it
        String budget = "Uses " + name;
        String budgetId = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        budget,
                        "scope",
                        "team",
                        "scopeId",
                        Admin.newKey().teamId(),
                        "period",
                        "month",
                        "amountUsd",
                        "1000",
                        "mode",
                        "alert",
                        "channelIds",
                        List.of(id)))
                .post("/api/admin/budgets")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String page = Access.adminUser()
                .get("/alerts?done=created&channel=" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page).contains("Channel “" + name + "” created.");
        assertThat(channelRow(page, id))
                .contains(name)
                .contains("E-mail")
                .contains("cfo@example.test, ap@example.test")
                .contains("yes")
                .contains(budget)
                .contains("action=\"/alerts/channels/" + id + "/test\"");
        Access.admin().delete("/api/admin/budgets/" + budgetId).then().statusCode(204);

        // a webhook without a secret: the generated one on this answer only, as the API returns it once
        String hookName = "SIEM " + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> hook = form(hookName, "webhook");
        hook.put("url", "https://siem.example.test/in?token=abc");
        Response withSecret = Access.postForm(Access::adminUser, "/alerts/channels", hook, "/alerts");
        withSecret.then().statusCode(200).header("Cache-Control", containsString("no-store"));
        assertThat(withSecret.asString())
                .contains("Channel “" + hookName + "” created. Its signing secret, shown this once");
        Matcher shown =
                Pattern.compile("id=\"channel-secret-value\">([0-9a-f]{64})<").matcher(withSecret.asString());
        assertThat(shown.find()).as("the generated secret on the page").isTrue();
        String hookId = apiChannel(hookName).getString("id");
        assertThat(channels.channel(UUID.fromString(hookId)).orElseThrow().secret())
                .isEqualTo(shown.group(1));
        String after = Access.adminUser()
                .get("/alerts")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(channelRow(after, hookId)).contains("Webhook (signed)").contains("https://siem.example.test/…");
        assertThat(after).doesNotContain(shown.group(1)).doesNotContain("token=abc");
        assertThat(((Map<?, ?>) Access.auditEntry("alert_channel.create", hookId)
                                .get("after"))
                        .toString())
                .doesNotContain(shown.group(1));
        // gone again, so the background weekly digest does not go to the e-mail one
        channels.delete(UUID.fromString(id));
        channels.delete(UUID.fromString(hookId));
    }

    @Test
    void aRefusedChannelFormComesBackWithTheApisMessageAndTheValuesSubmitted() {
        String name = "<b>Kept</b> " + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> fields = form(name, "webhook");
        fields.put("url", "https://hooks.example.test/kept");
        fields.put("secret", "short");
        fields.put("digest", "on");
        Response refused = Access.postForm(Access::adminUser, "/alerts/channels", fields, "/alerts");
        refused.then()
                .statusCode(400)
                .contentType(containsString("text/html"))
                .header("Cache-Control", containsString("no-store"));
        assertThat(refused.asString())
                .contains("Not saved — secret: at least 16 characters (or leave it out and Tally generates one)")
                .contains("value=\"https://hooks.example.test/kept\"")
                .contains("value=\"webhook\" selected")
                .contains("id=\"channel-digest\" value=\"on\" checked")
                // escaped, as every value the page shows
                .contains("value=\"&lt;b&gt;Kept&lt;/b&gt; ")
                .doesNotContain("<b>Kept</b>")
                .doesNotContain("Exception");

        // the API's words for the API's checks: its Bean Validation, then the service's
        assertThat(Access.postForm(Access::adminUser, "/alerts/channels", form(" ", "slack"), "/alerts")
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("Not saved — name: must not be blank");
        Map<String, Object> mail = form("Bad address", "email");
        mail.put("to", "ok@example.test\nnot-an-address");
        assertThat(Access.postForm(Access::adminUser, "/alerts/channels", mail, "/alerts")
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("Not saved — to[1]: &#39;not-an-address&#39; is not an e-mail address")
                .contains(">ok@example.test\nnot-an-address</textarea>");
        post(Map.of("type", "email", "name", "x", "to", List.of("ok@example.test", "not-an-address")))
                .statusCode(400)
                .body("detail", is("to[1]: 'not-an-address' is not an e-mail address"));
        assertThat(Access.postForm(Access::adminUser, "/alerts/channels", form("No URL", "slack"), "/alerts")
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("Not saved — url: required for slack and webhook channels");

        assertThat(Access.admin()
                        .get("/api/admin/alert-channels")
                        .then()
                        .extract()
                        .asString())
                .doesNotContain("Kept</b>")
                .doesNotContain("Bad address")
                .doesNotContain("No URL");
    }

    @Test
    void anAdminDeletesAChannelOnThePageAfterAQuestion() {
        String name = "Leaving " + UUID.randomUUID().toString().substring(0, 8);
        String id = post(Map.of("type", "email", "name", name, "to", List.of("gone@example.test")))
                .statusCode(201)
                .extract()
                .path("id");
        String confirm = Access.adminUser()
                .get("/alerts?delete=" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(confirm)
                .contains("Delete the channel “" + name + "”?")
                .contains("gone@example.test")
                .contains("action=\"/alerts/channels/" + id + "/delete\"");
        Access.admin().get("/api/admin/alert-channels/" + id).then().statusCode(200);

        Access.postForm(Access::adminUser, "/alerts/channels/" + id + "/delete", Map.of(), "/alerts")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/alerts?done=deleted#channels"));
        Access.admin().get("/api/admin/alert-channels/" + id).then().statusCode(404);
        Map<String, Object> audited = Access.auditEntry("alert_channel.delete", id);
        assertThat(audited.get("actor").toString()).startsWith("user:admin-");
        assertThat(((Map<?, ?>) audited.get("before")).get("name")).isEqualTo(name);
        String page = Access.adminUser()
                .get("/alerts?done=deleted")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page).contains("Channel deleted.").doesNotContain(id);
        // deleted already: 404, as the API's DELETE
        Access.postForm(Access::adminUser, "/alerts/channels/" + id + "/delete", Map.of(), "/alerts")
                .then()
                .statusCode(404);
    }

    @Test
    void sendTestOnThePageSendsTheApisTestMessageAndShowsWhetherItArrived() throws Exception {
        try (Receiver receiver = new Receiver()) {
            String path = "/page-test/" + UUID.randomUUID();
            String secret = "page-test-secret-0123456789";
            String name = "Tested " + UUID.randomUUID().toString().substring(0, 8);
            String id = post(Map.of("type", "webhook", "name", name, "url", receiver.url(path), "secret", secret))
                    .statusCode(201)
                    .extract()
                    .path("id");

            Access.postForm(Access::adminUser, "/alerts/channels/" + id + "/test", Map.of(), "/alerts")
                    .then()
                    .statusCode(303)
                    .header("Location", endsWith("/alerts?done=tested&channel=" + id + "#channels"));
            // sent before the answer, as the API's test is
            assertThat(receiver.requests(path)).hasSize(1);
            Receiver.Request req = receiver.requests(path).get(0);
            assertThat(req.body()).contains("\"type\":\"" + ChannelTest.TYPE + "\"");
            assertThat(req.header("X-Tally-Signature-256")).isEqualTo(Receiver.signature(secret, req.body()));
            assertThat(Access.adminUser()
                            .get("/alerts?done=tested&channel=" + id)
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString())
                    .contains("Test message sent: the channel “" + name + "” took it.");

            receiver.failNext(1);
            String failed = Access.postForm(Access::adminUser, "/alerts/channels/" + id + "/test", Map.of(), "/alerts")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(failed)
                    .contains("id=\"channel-failure\"")
                    .contains("Test of “" + name + "” failed: the test message was not delivered: HTTP 503: busy.");
            assertThat(receiver.requests(path)).hasSize(2);
        }
    }

    @Test
    void onlyAnAdminManagesChannelsFromTheAlertsPage() {
        String name = "Guarded " + UUID.randomUUID().toString().substring(0, 8);
        String id = post(Map.of("type", "email", "name", name, "to", List.of("guard@example.test")))
                .statusCode(201)
                .extract()
                .path("id");
        Map<String, Object> fields = form("By a leader", "email");
        fields.put("to", "leader@example.test");

        // a leader reads the list, without the forms, and may not post them
        String page =
                Access.leader().get("/alerts").then().statusCode(200).extract().asString();
        assertThat(channelRow(page, id)).contains(name).contains("guard@example.test");
        assertThat(page)
                .doesNotContain("channel-form")
                .doesNotContain("Send test")
                .doesNotContain("/alerts?delete=");
        assertThat(Access.leader()
                        .get("/alerts?delete=" + id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .doesNotContain("confirm-delete");
        Access.postForm(Access::leader, "/alerts/channels", fields, "/alerts")
                .then()
                .statusCode(403);
        Access.postForm(Access::leader, "/alerts/channels/" + id + "/test", Map.of(), "/alerts")
                .then()
                .statusCode(403);
        Access.postForm(Access::leader, "/alerts/channels/" + id + "/delete", Map.of(), "/alerts")
                .then()
                .statusCode(403);

        // a team lead reads the list as a leader does (where each channel delivers), without the forms,
        // and may neither post them nor call the admin API
        String team = Admin.newKey().teamId();
        Supplier<RequestSpecification> lead = () -> Access.teamLead(team);
        String leads =
                lead.get().get("/alerts").then().statusCode(200).extract().asString();
        assertThat(channelRow(leads, id)).contains(name).contains("guard@example.test");
        assertThat(leads)
                .doesNotContain("channel-form")
                .doesNotContain("Send test")
                .doesNotContain("/alerts?edit=")
                .doesNotContain("/alerts?delete=");
        assertThat(lead.get()
                        .get("/alerts?edit=" + id)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .doesNotContain("channel-form");
        Map<String, Object> edit = Map.of("name", "Renamed by a lead", "to", "lead@example.test");
        Access.postForm(lead, "/alerts/channels", fields, "/").then().statusCode(403);
        Access.postForm(lead, "/alerts/channels/" + id, edit, "/").then().statusCode(403);
        Access.postForm(lead, "/alerts/channels/" + id + "/test", Map.of(), "/")
                .then()
                .statusCode(403);
        Access.postForm(lead, "/alerts/channels/" + id + "/delete", Map.of(), "/")
                .then()
                .statusCode(403);
        lead.get().get("/api/admin/alert-channels").then().statusCode(403);
        lead.get().get("/api/admin/alert-channels/" + id).then().statusCode(403);
        lead.get()
                .contentType(ContentType.JSON)
                .body(Map.of("type", "email", "name", "By a lead", "to", List.of("lead@example.test")))
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(403);
        lead.get()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Renamed by a lead"))
                .patch("/api/admin/alert-channels/" + id)
                .then()
                .statusCode(403);
        lead.get().post("/api/admin/alert-channels/" + id + "/test").then().statusCode(403);
        lead.get().delete("/api/admin/alert-channels/" + id).then().statusCode(403);
        assertThat(apiChannel(name).getList("to", String.class)).containsExactly("guard@example.test");

        // nobody signed in goes to the sign-in page; an admin's form without its CSRF token is refused
        Access.assertFormGuarded("/alerts/channels", fields);
        Access.assertFormGuarded("/alerts/channels/" + id + "/delete", Map.of());

        Access.admin().get("/api/admin/alert-channels/" + id).then().statusCode(200);
        assertThat(Access.admin()
                        .get("/api/admin/alert-channels")
                        .then()
                        .extract()
                        .asString())
                .doesNotContain("By a leader")
                .doesNotContain("By a lead");
        Access.admin().delete("/api/admin/alert-channels/" + id).then().statusCode(204);
    }

    /** A channel form's name and type; a mutable map, for the other fields. */
    static Map<String, Object> form(String name, String type) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type);
        return m;
    }

    /** The channel of this name, as the admin API shows it. */
    static JsonPath apiChannel(String name) {
        return Access.adminItem("/api/admin/alert-channels", name);
    }

    /** The Channels table's row of this channel, as HTML. */
    static String channelRow(String page, String id) {
        int start = page.indexOf("<tr id=\"channel-" + id + "\">");
        assertThat(start).as("a row for channel " + id).isNotNegative();
        return page.substring(start, page.indexOf("</tr>", start));
    }

    /** A $0 downgrade budget on a team: its downgraded alert comes with the first evaluation, no call needed. */
    static String zeroDowngradeBudget(String teamId, String name) {
        return Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name", name,
                        "scope", "team",
                        "scopeId", teamId,
                        "period", "month",
                        "amountUsd", "0",
                        "mode", "downgrade",
                        "downgrade", Map.of("models", Map.of("gpt-4o", "gpt-4o-mini"))))
                .post("/api/admin/budgets")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    @Test
    void aTeamLeadReadsTheAlertsOfTheirOwnTeamsBudgetsOnly() {
        Admin.Key mine = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String mineId = zeroDowngradeBudget(mine.teamId(), "Lead's " + UUID.randomUUID());
        String otherId = zeroDowngradeBudget(other.teamId(), "Other's " + UUID.randomUUID());
        String mineLink = "href=\"/teams/" + mine.teamId() + "\"";
        String otherLink = "href=\"/teams/" + other.teamId() + "\"";
        // both alerts are raised: a leader sees them, and the channels
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            String page = Access.leader()
                    .get("/alerts")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            return page.contains(mineLink) && page.contains(otherLink);
        });
        assertThat(Access.leader().get("/alerts").then().extract().asString()).contains("id=\"channels\"");

        String lead = Access.teamLead(mine.teamId())
                .get("/alerts")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(lead)
                .contains(mineLink, "Budget downgrade in effect", "href=\"/alerts\"")
                // one alert, said in the singular
                .contains("One budget alert of your teams' budgets so far")
                .doesNotContain(otherLink)
                .doesNotContain("/operations");
        // an employee has neither the page nor its link
        Access.employee("nobody-" + UUID.randomUUID() + "@example.test")
                .get("/alerts")
                .then()
                .statusCode(403);
        for (String id : List.of(mineId, otherId)) {
            Access.admin().delete("/api/admin/budgets/" + id).then().statusCode(204);
        }
    }

    // ---- where a channel delivers, for everyone who picks channels -----------------------------------

    @Test
    void aTeamLeadSeesWhereEachChannelDeliversByHostAndAddressesButNeverItsPathTokenOrSecret() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String token = "T" + suffix + "/B000/lead-must-not-see-" + suffix;
        String slackName = "Eng alerts " + suffix;
        String hookName = "Pager " + suffix;
        String mailName = "Eng mail " + suffix;
        String hookSecret = "a-webhook-secret-" + suffix + "-never-shown";
        String slack = post(Map.of(
                        "type", "slack", "name", slackName, "url", "https://hooks.slack.com/services/" + token))
                .statusCode(201)
                .extract()
                .path("id");
        String hook = post(Map.of(
                        "type",
                        "webhook",
                        "name",
                        hookName,
                        "url",
                        "https://alerts.example.test/tally/in?token=q-" + suffix,
                        "secret",
                        hookSecret))
                .statusCode(201)
                .extract()
                .path("id");
        List<String> to = List.of(
                "eng-" + suffix + "@example.test", "cto@example.test", "oncall@example.test", "finance@example.test");
        String mail = post(Map.of("type", "email", "name", mailName, "to", to))
                .statusCode(201)
                .extract()
                .path("id");
        // the lead's team's budget names two channels; another team's names the Slack one too (no spend,
        // amounts far off: no alert is raised, so nothing is sent to these addresses)
        String team = Admin.newKey().teamId();
        String mine = "Lead budget " + suffix;
        String others = "Other team budget " + suffix;
        String mineId = channelBudget(team, mine, List.of(slack, mail));
        String othersId = channelBudget(Admin.newKey().teamId(), others, List.of(slack));
        String[] secrets = {token, "/services/", "/tally/in", "token=q-" + suffix, hookSecret};
        try {
            String page = Access.teamLead(team)
                    .get("/alerts")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(channelRow(page, slack))
                    .contains(slackName, "Slack", "https://hooks.slack.com/…", mine)
                    .doesNotContain(others);
            assertThat(channelRow(page, hook)).contains(hookName, "Webhook (signed)", "https://alerts.example.test/…");
            // company addresses, in full: who gets the alerts is what a lead picking the channel must know
            assertThat(channelRow(page, mail)).contains(mailName, "E-mail", String.join(", ", to), mine);
            assertThat(page).doesNotContain(others).doesNotContain(secrets).doesNotContain("channel-form");

            // the Budgets page's picker names the same, the addresses shortened to a line
            String budgets = Access.teamLead(team)
                    .get("/budgets")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(budgets)
                    .contains(">" + slackName + " — Slack, https://hooks.slack.com/…</option>")
                    .contains(">" + hookName + " — Webhook (signed), https://alerts.example.test/…</option>")
                    .contains(">" + mailName + " — E-mail, " + String.join(", ", to.subList(0, 3))
                            + " and 1 more</option>")
                    .contains("href=\"/alerts#channels\"")
                    .doesNotContain(secrets);

            // a leader sees the same places, and every budget naming the channel
            String leaders = Access.leader()
                    .get("/alerts")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(channelRow(leaders, slack)).contains("https://hooks.slack.com/…", mine, others);
            assertThat(channelRow(leaders, mail)).contains(String.join(", ", to));
            assertThat(leaders).doesNotContain(secrets).doesNotContain("channel-form");
        } finally {
            for (String id : List.of(mineId, othersId)) {
                Access.admin().delete("/api/admin/budgets/" + id).then().statusCode(204);
            }
            for (String id : List.of(slack, hook, mail)) {
                Access.admin().delete("/api/admin/alert-channels/" + id).then().statusCode(204);
            }
        }
    }

    @Test
    void anAdminSeesWhereEachChannelDeliversAsBeforeWithTheFormsAndTheApisHint() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String name = "Admin view " + suffix;
        String id = post(Map.of("type", "slack", "name", name, "url", SLACK_URL))
                .statusCode(201)
                .body("urlHint", is("https://hooks.slack.com/…"))
                .body("$", not(hasKey("url")))
                // the API's fields as they were: the pages' words are not its
                .body("$", not(hasKey("destination")))
                .body("$", not(hasKey("kind")))
                .extract()
                .path("id");
        try {
            String page = Access.adminUser()
                    .get("/alerts")
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(channelRow(page, id))
                    .contains(name, "Slack", "https://hooks.slack.com/…", "no alert above")
                    .contains("action=\"/alerts/channels/" + id + "/test\"")
                    .contains("href=\"/alerts?edit=" + id + "#channel-form\"")
                    .contains("href=\"/alerts?delete=" + id + "#confirm-delete\"");
            assertThat(page).contains("id=\"channel-form\"").doesNotContain("XXXXXXXXXXXXXXXXXXXXXXXX");
            assertThat(Access.adminUser()
                            .get("/alerts?edit=" + id)
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString())
                    .contains("leave empty to keep https://hooks.slack.com/…")
                    .doesNotContain("XXXXXXXXXXXXXXXXXXXXXXXX");
            assertThat(Access.adminUser()
                            .get("/budgets")
                            .then()
                            .statusCode(200)
                            .extract()
                            .asString())
                    .contains(">" + name + " — Slack, https://hooks.slack.com/…</option>");
        } finally {
            Access.admin().delete("/api/admin/alert-channels/" + id).then().statusCode(204);
        }
    }

    @Test
    void eachChannelShowsWhetherItsLatestDeliveryOfTheListedAlertsArrived() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (Receiver receiver = new Receiver()) {
            receiver.down("/down-" + suffix);
            String up = Admin.newChannel(receiver.url("/up-" + suffix), "a-webhook-secret-" + suffix);
            String down = Admin.newChannel(receiver.url("/down-" + suffix), "a-webhook-secret-" + suffix);
            String team = Admin.newKey().teamId();
            String idle = post(Map.of("type", "email", "name", "Idle " + suffix, "to", List.of("idle@example.test")))
                    .statusCode(201)
                    .extract()
                    .path("id");
            // a $0 downgrade budget alerts at its first evaluation, without a call
            Map<String, Object> body = new LinkedHashMap<>(Map.of(
                    "name", "Delivered " + suffix,
                    "scope", "team",
                    "scopeId", team,
                    "period", "month",
                    "amountUsd", "0",
                    "mode", "downgrade",
                    "downgrade", Map.of("models", Map.of("gpt-4o", "gpt-4o-mini"))));
            body.put("channelIds", List.of(up, down));
            String budget = Access.admin()
                    .contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/admin/budgets")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            try {
                Supplier<String> leadsPage = () -> Access.teamLead(team)
                        .get("/alerts")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    String page = leadsPage.get();
                    return channelRow(page, up).contains("class=\"status delivered\"")
                            && channelRow(page, down).contains("HTTP 503");
                });
                String page = leadsPage.get();
                assertThat(channelRow(page, up)).contains("class=\"status delivered\"", "delivered ");
                assertThat(channelRow(page, down))
                        .contains("class=\"status pending\"", "next attempt", "HTTP 503")
                        .doesNotContain("class=\"status delivered\"");
                assertThat(channelRow(page, idle)).contains("no alert above");
                assertThat(receiver.requests("/up-" + suffix)).hasSize(1);

                // the headline's counts: a team lead's own alerts' deliveries, not every team's
                assertThat(glance(page)).contains("waiting for a retry");
                String otherLead = Access.teamLead(Admin.newKey().teamId())
                        .get("/alerts")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString();
                assertThat(glance(otherLead))
                        .contains("No budget alert has been raised yet for your teams")
                        .doesNotContain("waiting for a retry")
                        .doesNotContain("deliveries failed");
                assertThat(glance(Access.adminUser()
                                .get("/alerts")
                                .then()
                                .statusCode(200)
                                .extract()
                                .asString()))
                        .contains("waiting for a retry");
            } finally {
                Access.admin().delete("/api/admin/budgets/" + budget).then().statusCode(204);
                for (String id : List.of(up, down, idle)) {
                    Access.admin()
                            .delete("/api/admin/alert-channels/" + id)
                            .then()
                            .statusCode(204);
                }
            }
        }
    }

    /** The page's headline section. */
    static String glance(String page) {
        int start = page.indexOf("<section class=\"glance\">");
        return page.substring(start, page.indexOf("</section>", start));
    }

    /** An alert-mode budget of $1,000 a month on a team, naming {@code channelIds}: no alert without spend. */
    static String channelBudget(String teamId, String name, List<String> channelIds) {
        return Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name", name,
                        "scope", "team",
                        "scopeId", teamId,
                        "period", "month",
                        "amountUsd", "1000",
                        "mode", "alert",
                        "channelIds", channelIds))
                .post("/api/admin/budgets")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
