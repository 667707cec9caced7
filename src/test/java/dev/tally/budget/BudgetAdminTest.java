package dev.tally.budget;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import dev.tally.access.Access;
import dev.tally.budget.enforce.BudgetEnforcement;
import dev.tally.gateway.Admin;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

/**
 * The budgets admin API over HTTP: the round trip, and a precise 400 for each kind of bad input; and
 * the Budgets page's forms, which change budgets as the API does, for admins only.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class BudgetAdminTest {

    @Inject
    BudgetEnforcement enforcement;

    @Inject
    DataSource dataSource;

    static ValidatableResponse post(Map<String, Object> body) {
        return given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/budgets")
                .then();
    }

    static Map<String, Object> teamBudget(String teamId, Object... more) {
        Map<String, Object> m = new HashMap<>(
                Map.of("scope", "team", "scopeId", teamId, "period", "month", "amountUsd", "250.00", "mode", "alert"));
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    @Test
    void aTeamLeadReadsTheBudgetsTheirTeamPagesShowOnly() {
        Admin.Key mine = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String own = post(teamBudget(mine.teamId(), "name", "Lead's team"))
                .statusCode(201)
                .extract()
                .path("id");
        String theirs = post(teamBudget(other.teamId(), "name", "Other team"))
                .statusCode(201)
                .extract()
                .path("id");
        String org = post(Map.of(
                        "name",
                        "Whole org " + UUID.randomUUID(),
                        "scope",
                        "org",
                        "period",
                        "month",
                        "amountUsd",
                        "1000",
                        "mode",
                        "alert"))
                .statusCode(201)
                .extract()
                .path("id");

        // a person's and a key's budget belong to their team's page, as on the page itself
        String person = post(Map.of(
                        "scope",
                        "employee",
                        "scopeId",
                        mine.employeeId(),
                        "period",
                        "month",
                        "amountUsd",
                        "20",
                        "mode",
                        "alert"))
                .statusCode(201)
                .extract()
                .path("id");
        String key = post(Map.of(
                        "scope", "key", "scopeId", mine.keyId(), "period", "day", "amountUsd", "5", "mode", "alert"))
                .statusCode(201)
                .extract()
                .path("id");
        String otherPerson = post(Map.of(
                        "scope",
                        "employee",
                        "scopeId",
                        other.employeeId(),
                        "period",
                        "month",
                        "amountUsd",
                        "20",
                        "mode",
                        "alert"))
                .statusCode(201)
                .extract()
                .path("id");

        List<String> seen = Access.teamLead(mine.teamId())
                .get("/api/reports/budgets")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("budgets.budgetId", String.class);
        assertThat(seen).contains(own, person, key).doesNotContain(theirs, org, otherPerson);
        assertThat(Access.leader()
                        .get("/api/reports/budgets")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("budgets.budgetId", String.class))
                .contains(own, theirs, org);
        String csv = Access.teamLead(mine.teamId())
                .get("/api/reports/budgets?format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(csv).contains(own).doesNotContain(theirs).doesNotContain(org);
        Access.employee("nobody-" + UUID.randomUUID() + "@example.test")
                .get("/api/reports/budgets")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/budgets/" + org)
                .then()
                .statusCode(204);
    }

    @Test
    void aBudgetIsCreatedReadChangedAndDeleted() {
        Admin.Key key = Admin.newKey();
        String id = post(teamBudget(
                        key.teamId(), "name", "Platform monthly", "channelIds", List.of(Admin.newChannel())))
                .statusCode(201)
                .extract()
                .path("id");
        var got = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/budgets/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(got.getString("amountUsd")).isEqualTo("250");
        assertThat(got.getLong("amountNanos")).isEqualTo(250_000_000_000L);
        assertThat(got.getList("thresholds", Integer.class)).containsExactly(50, 80, 100);
        assertThat(got.getString("unpriced")).isEqualTo("allow");
        assertThat(got.getString("period")).isEqualTo("month");

        Map<String, Object> change = teamBudget(
                key.teamId(),
                "mode",
                "downgrade",
                "amountUsd",
                "10",
                "thresholds",
                List.of(90, 50),
                "downgrade",
                Map.of("fromPercent", 80, "models", Map.of("gpt-5*", "gpt-5-mini")));
        var changed = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(change)
                .put("/api/admin/budgets/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(changed.getString("mode")).isEqualTo("downgrade");
        assertThat(changed.getInt("downgrade.fromPercent")).isEqualTo(80);
        assertThat(changed.getString("downgrade.models.'gpt-5*'")).isEqualTo("gpt-5-mini");
        assertThat(changed.getList("thresholds", Integer.class)).containsExactly(50, 90);

        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/budgets/" + id)
                .then()
                .statusCode(204);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/budgets/" + id)
                .then()
                .statusCode(404);
    }

    /**
     * A budget's change and its audit entry commit or roll back together (AuditLog's contract): the
     * rows were written by one PostgreSQL transaction, so they carry the same {@code xmin}.
     */
    /** Pages, alerts and a refused call's message show a budget's name: one given none is named as a reader would. */
    @Test
    void aBudgetGivenNoNameIsNamedAfterWhatItCoversNeverByAnId() {
        String department = "Naming " + UUID.randomUUID().toString().substring(0, 8);
        Admin.Key k = Admin.newKeyInDepartment(department);
        String team = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/teams/" + k.teamId())
                .then()
                .statusCode(200)
                .extract()
                .path("name");
        Map<String, String> named = new LinkedHashMap<>();
        named.put(
                team + " team, monthly",
                defaultNamed(Map.of("scope", "team", "scopeId", k.teamId(), "period", "month")));
        named.put(
                "Gateway Tester, weekly",
                defaultNamed(Map.of("scope", "employee", "scopeId", k.employeeId(), "period", "week")));
        named.put(
                department + " department, quarterly",
                defaultNamed(Map.of("scope", "department", "scopeId", department, "period", "quarter")));
        named.put("Organisation, monthly", defaultNamed(Map.of("scope", "org", "period", "month")));
        named.forEach((expected, got) -> assertThat(got).isEqualTo(expected));
        String key = defaultNamed(Map.of("scope", "key", "scopeId", k.keyId(), "period", "day"));
        assertThat(key).matches("key tly_[A-Za-z0-9]{8} \\(Gateway Tester\\), daily");
        assertThat(String.join(" ", named.values()) + " " + key)
                .doesNotContain(k.teamId())
                .doesNotContain(k.employeeId())
                .doesNotContain(k.keyId());
        // a name given is kept as given
        assertThat(defaultNamed(
                        Map.of("scope", "team", "scopeId", k.teamId(), "period", "day", "name", " Lunch money ")))
                .isEqualTo("Lunch money");
    }

    /** Makes a budget (alert only, an amount no test reaches), reads its name, and deletes it again. */
    private static String defaultNamed(Map<String, Object> scope) {
        Map<String, Object> body = new HashMap<>(scope);
        body.put("amountUsd", "1000000.00");
        body.put("mode", "alert");
        var created = post(body).statusCode(201).extract();
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/budgets/" + created.path("id"))
                .then()
                .statusCode(204);
        return created.path("name");
    }

    @Test
    void aBudgetsChangeAndItsAuditEntryAreOneTransaction() {
        Admin.Key key = Admin.newKey();
        String id = post(teamBudget(key.teamId())).statusCode(201).extract().path("id");
        assertThat(xmin("budget.create", id)).isEqualTo(budgetXmin(id));
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(teamBudget(key.teamId(), "amountUsd", "300"))
                .put("/api/admin/budgets/" + id)
                .then()
                .statusCode(200);
        assertThat(xmin("budget.update", id)).isEqualTo(budgetXmin(id));
    }

    private long budgetXmin(String id) {
        return TestSql.count(dataSource, "SELECT xmin::text::bigint FROM budget WHERE id = ?", UUID.fromString(id));
    }

    private long xmin(String action, String id) {
        return TestSql.count(
                dataSource,
                "SELECT xmin::text::bigint FROM audit_log WHERE action = ? AND target_id = ? ORDER BY id DESC LIMIT 1",
                action,
                id);
    }

    @Test
    void badInputGetsAPrecise400() {
        Admin.Key key = Admin.newKey();
        String team = key.teamId();
        post(teamBudget(team, "amountUsd", "-5"))
                .statusCode(400)
                .body("detail", containsString("amountUsd"))
                .body("detail", containsString("negative"));
        post(teamBudget(UUID.randomUUID().toString()))
                .statusCode(400)
                .body("detail", containsString("scopeId: no team"));
        post(teamBudget("1-1-1-1-1"))
                .statusCode(400)
                .body("detail", containsString("scopeId: not a team id (a UUID): 1-1-1-1-1"));
        post(teamBudget(team, "timezone", "Mars/Olympus"))
                .statusCode(400)
                .body("detail", containsString("unknown time zone Mars/Olympus"));
        post(teamBudget(team, "thresholds", List.of(50, 1001)))
                .statusCode(400)
                .body("detail", containsString("between 1 and 1000"));
        post(teamBudget(
                        team,
                        "mode",
                        "downgrade",
                        "downgrade",
                        Map.of("models", Map.of("claude-opus-*", "claude-unpriced-9"))))
                .statusCode(400)
                .body("detail", containsString("has no price"));
        post(teamBudget(
                        team,
                        "mode",
                        "downgrade",
                        "downgrade",
                        Map.of("models", Map.of("gpt-5*", "gpt-5-mini"), "fromPercent", 1200)))
                .statusCode(400)
                .body("detail", containsString("fromPercent"));
        post(teamBudget(team, "scope", "division"))
                .statusCode(400)
                .body("detail", containsString("scope: must be one of"));
        post(teamBudget(team, "period", "fortnight")).statusCode(400).body("detail", containsString("period:"));
        post(teamBudget(team, "amountUsd", "1.0000000001"))
                .statusCode(400)
                .body("detail", containsString("9 decimals"));
        post(teamBudget(team, "channelIds", List.of("not-a-uuid")))
                .statusCode(400)
                .body("detail", containsString("channelIds"));
        post(Map.of("scope", "org", "scopeId", team, "period", "month", "amountUsd", "1"))
                .statusCode(400)
                .body("detail", containsString("takes no scopeId"));
    }

    @Test
    void aFractionalPercentageIsRefusedNotTruncated() {
        String team = Admin.newKey().teamId();
        // 50.5 % is not 50 %, and a spike factor of 2.9 is not 2: each is a 400, nothing is stored
        // a field's error, whose detail starts with its name as every other bad field's does
        post(teamBudget(team, "thresholds", List.of(50.5, 100)))
                .statusCode(400)
                .body("detail", equalTo("thresholds: must be a whole number; got 50.5"));
        post(teamBudget(
                        team,
                        "mode",
                        "downgrade",
                        "downgrade",
                        Map.of("models", Map.of("gpt-5*", "gpt-5-mini"), "fromPercent", 90.5)))
                .statusCode(400)
                .body("detail", startsWith("downgrade.fromPercent: must be a whole number"));
        post(teamBudget(team, "spike", Map.of("factor", 2.9)))
                .statusCode(400)
                .body("detail", startsWith("spike.factor: must be a whole number"));
    }

    @Test
    void aMisspeltFieldIsA400NamingItAndNothingIsStoredOrChanged() {
        String team = Admin.newKey().teamId();
        // "thresholds" misspelt: a budget with the default thresholds would have been stored
        post(teamBudget(team, "threshold", List.of(90)))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("threshold: unknown field; expected one of "))
                .body("detail", containsString("thresholds"));
        // inside an object, the path as the other field errors give it, and that object's fields
        post(teamBudget(
                        team,
                        "mode",
                        "downgrade",
                        "downgrade",
                        Map.of("models", Map.of("gpt-5*", "gpt-5-mini"), "fromPercnt", 90)))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("downgrade.fromPercnt: unknown field; expected one of fromPercent, models"));
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/budgets")
                .then()
                .statusCode(200)
                .body("findAll { it.scopeId == '" + team + "' }.size()", equalTo(0));

        String id = post(teamBudget(team)).statusCode(201).extract().path("id");
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(teamBudget(team, "amountUsd", "10", "spike", Map.of("factr", 3)))
                .put("/api/admin/budgets/" + id)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("spike.factr: unknown field; expected one of action, factor, perHourUsd"));
        JsonPath after = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/budgets/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(after.getString("amountUsd")).as("unchanged").isEqualTo("250");
        assertThat(after.getString("spike")).isNull();
    }

    @Test
    void aBudgetAsGetAnswersItGoesBackInAPutWithItsReadOnlyFieldsIgnored() {
        String team = Admin.newKey().teamId();
        String id = post(teamBudget(team, "spike", Map.of("factor", 3)))
                .statusCode(201)
                .extract()
                .path("id");
        Map<String, Object> got = new HashMap<>(given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/budgets/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap(""));
        assertThat(got).containsKeys("id", "amountNanos");
        got.put("amountUsd", "300");
        got.put("amountNanos", 1L); // read-only: ignored, not a second way to set the amount
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(got)
                .put("/api/admin/budgets/" + id)
                .then()
                .statusCode(200)
                .body("amountUsd", equalTo("300"))
                .body("amountNanos", equalTo(300_000_000_000L))
                .body("spike.factor", equalTo(3));
        Access.admin().delete("/api/admin/budgets/" + id).then().statusCode(204);
    }

    @Test
    void aStoredBudgetWithAFieldThisVersionLacksIsStillRead() throws Exception {
        String team = Admin.newKey().teamId();
        String id = post(teamBudget(
                        team,
                        "mode",
                        "downgrade",
                        "downgrade",
                        Map.of("models", Map.of("gpt-5*", "gpt-5-mini")),
                        "spike",
                        Map.of("factor", 3)))
                .statusCode(201)
                .extract()
                .path("id");
        // as a newer Tally might have written them, during a rolling upgrade: the API's strictness is
        // for what callers send, not for rows every version must go on reading
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("UPDATE budget SET downgrade_models ="
                        + " jsonb_set(downgrade_models, '{0,since}', '\"2027-01-01\"'),"
                        + " spike = spike || '{\"window\": \"1h\"}' WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/budgets/" + id)
                .then()
                .statusCode(200)
                .body("downgrade.models.'gpt-5*'", equalTo("gpt-5-mini"))
                .body("spike.factor", equalTo(3));
    }

    @Test
    void aDowngradeTargetNoProviderRoutesIsRefused() {
        Admin.Key key = Admin.newKey();
        // an admin gave it a price, but no routing rule sends it to a provider
        String model = "local-llama-" + UUID.randomUUID().toString().substring(0, 8);
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("input", "0.1", "output", "0.2", "cacheRead", "0", "cacheWrite", "0"))
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200);
        post(teamBudget(key.teamId(), "mode", "downgrade", "downgrade", Map.of("models", Map.of("gpt-5*", model))))
                .statusCode(400)
                .body("detail", containsString("no provider routes"));
    }

    @Test
    void resumingAPausedKeyLetsItCallAgainAndAnUnknownKeyIs404() {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/keys/" + UUID.randomUUID() + "/resume")
                .then()
                .statusCode(404);
        Admin.Key key = Admin.newKey();
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType("application/json")
                .body("{}")
                .post("/api/admin/keys/" + key.keyId() + "/resume")
                .then()
                .statusCode(204);
    }

    // ---- the Budgets page's forms ------------------------------------------------------------------

    @Test
    void anAdminCreatesEditsAndDeletesABudgetOnThePageAsTheApiWould() throws Exception {
        Admin.Key key = Admin.newKey();
        String channel = Admin.newChannel();
        String name = "Form " + UUID.randomUUID().toString().substring(0, 8);
        String page = Access.adminUser()
                .get("/budgets")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page).contains("id=\"budget-form\"").contains("value=\"team:" + key.teamId() + "\"");

        Map<String, Object> fields = form(name, "team:" + key.teamId(), "1500.50", "downgrade");
        fields.put("thresholds", "80, 50");
        fields.put("fromPercent", "90");
        fields.put("models", "claude-opus-* = claude-haiku-4-5\r\ngpt-5* = gpt-5-mini\r\n");
        fields.put("unpriced", "block");
        fields.put("channelIds", channel);
        fields.put("spikeFactor", "5");
        fields.put("spikeAction", "pause_key");
        postForm(Access::adminUser, "/budgets", fields)
                .then()
                .statusCode(303)
                .header("Location", endsWith("/budgets?done=created#budgets"));

        JsonPath created = apiBudget(name);
        String id = created.getString("id");
        assertThat(created.getString("scope")).isEqualTo("team");
        assertThat(created.getString("scopeId")).isEqualTo(key.teamId());
        assertThat(created.getString("period")).isEqualTo("month");
        assertThat(created.getString("amountUsd")).isEqualTo("1500.5");
        assertThat(created.getString("mode")).isEqualTo("downgrade");
        assertThat(created.getList("thresholds", Integer.class)).containsExactly(50, 80);
        assertThat(created.getInt("downgrade.fromPercent")).isEqualTo(90);
        assertThat(created.getMap("downgrade.models", String.class, String.class))
                .containsExactly(Map.entry("claude-opus-*", "claude-haiku-4-5"), Map.entry("gpt-5*", "gpt-5-mini"));
        assertThat(created.getString("unpriced")).isEqualTo("block");
        assertThat(created.getList("channelIds", String.class)).containsExactly(channel);
        assertThat(created.getInt("spike.factor")).isEqualTo(5);
        assertThat(created.getString("spike.action")).isEqualTo("pause_key");
        Map<String, Object> audited = Access.auditEntry("budget.create", id);
        assertThat(audited.get("actor").toString()).startsWith("user:admin-");
        assertThat(audited.get("actorRole")).isEqualTo("admin");
        assertThat(((Map<?, ?>) audited.get("after")).get("name")).isEqualTo(name);

        // back on the list: the new budget with its state, and an edit form that holds what was stored
        String listed = Access.adminUser()
                .get("/budgets?done=created")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(listed).contains("Budget created");
        assertThat(BudgetFlow.stateOnPage(listed, name)).isEqualTo("ok: on track");
        String edit = Access.adminUser()
                .get("/budgets?edit=" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(edit)
                .contains("Edit budget “" + name + "”")
                .contains("action=\"/budgets/" + id + "#budget-form\"")
                .contains("value=\"1500.5\"")
                .contains("value=\"team:" + key.teamId() + "\" selected")
                .contains("value=\"50, 80\"")
                .contains(">claude-opus-* = claude-haiku-4-5\ngpt-5* = gpt-5-mini</textarea>")
                .contains("value=\"" + channel + "\" selected");

        // an edit replaces the budget as PUT does: alert mode drops the downgrade rules
        Map<String, Object> change = form(name, "team:" + key.teamId(), "2000", "alert");
        change.put("models", "claude-opus-* = claude-haiku-4-5");
        postForm(Access::adminUser, "/budgets/" + id, change)
                .then()
                .statusCode(303)
                .header("Location", endsWith("/budgets?done=updated#budgets"));
        JsonPath changed = apiBudget(name);
        assertThat(changed.getString("amountUsd")).isEqualTo("2000");
        assertThat(changed.getString("mode")).isEqualTo("alert");
        assertThat((Object) changed.get("downgrade")).isNull();
        assertThat(changed.getList("thresholds", Integer.class)).containsExactly(50, 80, 100);
        Map<String, Object> update = Access.auditEntry("budget.update", id);
        assertThat(((Map<?, ?>) update.get("before")).get("amountUsd")).isEqualTo("1500.5");
        assertThat(((Map<?, ?>) update.get("after")).get("amountUsd")).isEqualTo("2000");

        // a delete asks first, then goes
        String confirm = Access.adminUser()
                .get("/budgets?delete=" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(confirm)
                .contains("Delete the budget “" + name + "”?")
                .contains("action=\"/budgets/" + id + "/delete\"");
        assertThat(Access.admin().get("/api/admin/budgets/" + id).statusCode()).isEqualTo(200);
        postForm(Access::adminUser, "/budgets/" + id + "/delete", Map.of())
                .then()
                .statusCode(303)
                .header("Location", endsWith("/budgets?done=deleted#budgets"));
        Access.admin().get("/api/admin/budgets/" + id).then().statusCode(404);
        assertThat(((Map<?, ?>) Access.auditEntry("budget.delete", id).get("before")).get("name"))
                .isEqualTo(name);
        assertThat(Access.adminUser().get("/budgets").then().extract().asString())
                .doesNotContain(id);
    }

    @Test
    void aBudgetMadeOnThePageHoldsTheGatewayAsTheApisDoes() throws Exception {
        Admin.Key key = Admin.newKey();
        String name = "Form $0 " + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> fields = form(name, "key", "0", "block");
        fields.put("scopeId", key.keyId());
        postForm(Access::adminUser, "/budgets", fields).then().statusCode(303);
        String id = apiBudget(name).getString("id");
        try {
            enforcement.refresh();
            assertThat(BudgetFlow.openAi(key, "gpt-4o-mini", false).statusCode())
                    .isEqualTo(402);
        } finally {
            postForm(Access::adminUser, "/budgets/" + id + "/delete", Map.of())
                    .then()
                    .statusCode(303);
        }
        enforcement.refresh();
        assertThat(BudgetFlow.openAi(key, "gpt-4o-mini", false).statusCode()).isEqualTo(200);
    }

    @Test
    void aRefusedFormComesBackWithTheServicesMessageAndTheValuesSubmitted() {
        Admin.Key key = Admin.newKey();
        String name = "<b>Kept</b> " + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> fields = form(name, "team:" + key.teamId(), "-5", "block");
        fields.put("thresholds", "60, 90");
        Response refused = postForm(Access::adminUser, "/budgets", fields);
        refused.then().statusCode(400).contentType(containsString("text/html"));
        String html = refused.asString();
        assertThat(html)
                .contains("Not saved — amountUsd: must not be negative, got -5")
                .contains("value=\"-5\"")
                .contains("value=\"60, 90\"")
                .contains("value=\"team:" + key.teamId() + "\" selected")
                .contains("value=\"block\" selected")
                // escaped, as every value the page shows
                .contains("value=\"&lt;b&gt;Kept&lt;/b&gt; ")
                .doesNotContain("<b>Kept</b>")
                .doesNotContain("Exception");
        assertThat(Access.admin().get("/api/admin/budgets").then().extract().asString())
                .doesNotContain("Kept</b>");

        // the API's words for the API's checks, including those its JSON reader makes
        Map<String, Object> fractional = form("Fraction", "team:" + key.teamId(), "10", "alert");
        fractional.put("thresholds", "50.5");
        assertThat(postForm(Access::adminUser, "/budgets", fractional)
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("thresholds: must be a whole number; got 50.5");
        post(teamBudget(key.teamId(), "thresholds", List.of(50.5)))
                .statusCode(400)
                .body("detail", equalTo("thresholds: must be a whole number; got 50.5"));
        Map<String, Object> rules = form("Rules", "team:" + key.teamId(), "10", "downgrade");
        rules.put("models", "claude-opus-* claude-haiku-4-5");
        assertThat(postForm(Access::adminUser, "/budgets", rules)
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("downgrade.models: line 1 is not a rule")
                .contains(">claude-opus-* claude-haiku-4-5</textarea>");
        Map<String, Object> noPerson = form("Nobody", "employee", "10", "alert");
        assertThat(postForm(Access::adminUser, "/budgets", noPerson)
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("scopeId: required for an employee budget");

        // a refused edit comes back as the edit form, and the budget is as it was
        String id = post(teamBudget(key.teamId(), "name", "Edited " + name))
                .statusCode(201)
                .extract()
                .path("id");
        Map<String, Object> bad = form("Edited", "team:" + key.teamId(), "1.0000000001", "alert");
        assertThat(postForm(Access::adminUser, "/budgets/" + id, bad)
                        .then()
                        .statusCode(400)
                        .extract()
                        .asString())
                .contains("9 decimals")
                .contains("Edit budget “Edited &lt;b&gt;Kept&lt;/b&gt; ") // its stored name, not the refused one
                .contains("value=\"Edited\"")
                .contains("action=\"/budgets/" + id + "#budget-form\"")
                .contains("value=\"1.0000000001\"");
        Access.admin().get("/api/admin/budgets/" + id).then().statusCode(200).body("amountUsd", equalTo("250"));
        Access.admin().delete("/api/admin/budgets/" + id).then().statusCode(204);
    }

    @Test
    void leadersSetEveryBudgetOnThePageAndTeamLeadsTheirOwnTeamsOnly() {
        Admin.Key key = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String guarded = "Guarded " + UUID.randomUUID();
        String id = post(teamBudget(key.teamId(), "name", guarded))
                .statusCode(201)
                .extract()
                .path("id");
        String elsewhere = "Elsewhere " + UUID.randomUUID();
        String otherId = post(teamBudget(other.teamId(), "name", elsewhere))
                .statusCode(201)
                .extract()
                .path("id");

        // a leader (finance) sees and sets every budget, audited as themselves
        String page =
                Access.leader().get("/budgets").then().statusCode(200).extract().asString();
        assertThat(page).contains(guarded, elsewhere, "budget-form", "/budgets?edit=" + id, "The whole organisation");
        String byLeader = "By a leader " + UUID.randomUUID();
        postForm(Access::leader, "/budgets", form(byLeader, "team:" + other.teamId(), "10", "alert"))
                .then()
                .statusCode(303);
        String leaderMade = apiBudget(byLeader).getString("id");
        assertThat(Access.auditEntry("budget.create", leaderMade).get("actor").toString())
                .startsWith("user:");

        // a team lead sees their own team's budgets, and a form for their teams only
        Supplier<RequestSpecification> lead = () -> Access.teamLead(key.teamId());
        String theirs =
                lead.get().get("/budgets").then().statusCode(200).extract().asString();
        assertThat(theirs)
                .contains(guarded, "budget-form", "Your teams", "/budgets?edit=" + id)
                .doesNotContain(elsewhere)
                .doesNotContain(byLeader)
                .doesNotContain("The whole organisation")
                .doesNotContain("team:" + other.teamId());
        String byLead = "By the lead " + UUID.randomUUID();
        postForm(lead, "/budgets", form(byLead, "team:" + key.teamId(), "20", "block"))
                .then()
                .statusCode(303);
        String leadMade = apiBudget(byLead).getString("id");
        Map<String, Object> person = form("One of theirs " + UUID.randomUUID(), "employee", "5", "alert");
        person.put("scopeId", key.employeeId());
        postForm(lead, "/budgets", person).then().statusCode(303);

        // not another team's, a person of it, the organisation or a department, neither new nor changed
        Response refused = postForm(lead, "/budgets", form("Not mine", "team:" + other.teamId(), "10", "alert"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.asString()).contains("Not saved", "a team lead sets budgets for their own teams");
        Map<String, Object> theirPerson = form("Not mine either", "employee", "5", "alert");
        theirPerson.put("scopeId", other.employeeId());
        postForm(lead, "/budgets", theirPerson).then().statusCode(403);
        postForm(lead, "/budgets", form("The org", "org", "10", "alert")).then().statusCode(403);
        postForm(lead, "/budgets/" + leadMade, form(byLead, "team:" + other.teamId(), "20", "block"))
                .then()
                .statusCode(403);
        postForm(lead, "/budgets/" + otherId, form("Taken over", "team:" + key.teamId(), "1", "block"))
                .then()
                .statusCode(403);
        postForm(lead, "/budgets/" + otherId + "/delete", Map.of()).then().statusCode(403);
        lead.get().get("/budgets?edit=" + otherId).then().statusCode(404);
        lead.get().get("/budgets?delete=" + otherId).then().statusCode(404);
        assertThat(apiBudget(elsewhere).getString("mode")).isEqualTo("alert");
        assertThat(Access.admin().get("/api/admin/budgets").then().extract().asString())
                .doesNotContain("Not mine", "The org", "Taken over");

        // their own: changed and deleted
        postForm(lead, "/budgets/" + leadMade, form(byLead, "team:" + key.teamId(), "30", "block"))
                .then()
                .statusCode(303);
        assertThat(apiBudget(byLead).getString("amountUsd")).isEqualTo("30");
        postForm(lead, "/budgets/" + leadMade + "/delete", Map.of()).then().statusCode(303);
        Access.admin().get("/api/admin/budgets/" + leadMade).then().statusCode(404);

        // an employee neither reads nor sets budgets on the page
        String nobody = "nobody-" + UUID.randomUUID() + "@example.test";
        Supplier<RequestSpecification> employee = () -> Access.employee(nobody);
        employee.get().get("/budgets").then().statusCode(403);
        postForm(employee, "/budgets", form("By anyone", "team:" + key.teamId(), "10", "alert"), "/me")
                .then()
                .statusCode(403);

        // nobody signed in goes to the sign-in page; a form without its CSRF token is refused
        Access.assertFormGuarded("/budgets/" + id + "/delete", form("x", "org", "1", "alert"));

        Access.admin().get("/api/admin/budgets/" + id).then().statusCode(200);
        for (String b : List.of(id, otherId, leaderMade)) {
            Access.admin().delete("/api/admin/budgets/" + b).then().statusCode(204);
        }
    }

    @Test
    void anEditOfABudgetDeletedMeanwhileSavesNothingAndSaysSo() {
        Admin.Key key = Admin.newKey();
        String name = "Deleted meanwhile " + UUID.randomUUID();
        String id = post(teamBudget(key.teamId(), "name", name))
                .statusCode(201)
                .extract()
                .path("id");
        Access.admin().delete("/api/admin/budgets/" + id).then().statusCode(204);
        Response edit = postForm(Access::adminUser, "/budgets/" + id, form(name, "team:" + key.teamId(), "9", "alert"));
        assertThat(edit.statusCode()).isEqualTo(303);
        assertThat(edit.header("Location")).endsWith("/budgets?done=gone#budgets");
        assertThat(Access.adminUser()
                        .get("/budgets?done=gone")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("Not saved: that budget was deleted while you were editing it.")
                .doesNotContain(name);
    }

    /** A form's required fields; a mutable map, for the others. */
    @Test
    void aPersonsBudgetNamesThemByEmailOnThePageAndInTheApi() {
        Admin.Key key = Admin.newKey();
        Admin.Key other = Admin.newKey();
        String email = Access.admin()
                .get("/api/admin/employees/" + key.employeeId())
                .then()
                .extract()
                .path("email");
        String otherEmail = Access.admin()
                .get("/api/admin/employees/" + other.employeeId())
                .then()
                .extract()
                .path("email");

        // the API takes the e-mail (any case) and stores the person's id
        String byApi = "By e-mail " + UUID.randomUUID();
        Map<String, Object> body = teamBudget(key.teamId(), "name", byApi, "scope", "employee");
        body.put("scopeId", email.toUpperCase(java.util.Locale.ROOT));
        String apiId = post(body).statusCode(201).extract().path("id");
        assertThat(apiBudget(byApi).getString("scopeId")).isEqualTo(key.employeeId());
        Map<String, Object> unknown = teamBudget(key.teamId(), "scope", "employee");
        unknown.put("scopeId", "nobody-" + UUID.randomUUID() + "@example.test");
        post(unknown).statusCode(400).body("detail", startsWith("scopeId: no employee has the e-mail nobody-"));

        // the form suggests whom the viewer may budget: an admin everyone, a team lead their teams' people
        String page = Access.adminUser()
                .get("/budgets")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page)
                .contains("list=\"budget-people\"")
                .contains("<option value=\"" + email + "\">")
                .contains("<option value=\"" + otherEmail + "\">");
        Supplier<RequestSpecification> lead = () -> Access.teamLead(key.teamId());
        String theirs =
                lead.get().get("/budgets").then().statusCode(200).extract().asString();
        assertThat(theirs).contains("<option value=\"" + email + "\">").doesNotContain(otherEmail);

        // a team lead budgets their person by e-mail, not another team's
        String byLead = "Lead by e-mail " + UUID.randomUUID();
        Map<String, Object> person = form(byLead, "employee", "5", "alert");
        person.put("scopeId", email);
        postForm(lead, "/budgets", person).then().statusCode(303);
        String leadMade = apiBudget(byLead).getString("id");
        assertThat(apiBudget(byLead).getString("scopeId")).isEqualTo(key.employeeId());
        Map<String, Object> theirPerson = form("Not theirs " + UUID.randomUUID(), "employee", "5", "alert");
        theirPerson.put("scopeId", otherEmail);
        postForm(lead, "/budgets", theirPerson).then().statusCode(403);

        // the edit form shows the person's e-mail, not their id, and saves back to the same person
        String edit = lead.get()
                .get("/budgets?edit=" + leadMade)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(edit).contains("value=\"" + email + "\" placeholder").doesNotContain("value=\"" + key.employeeId());
        person.put("amountUsd", "7");
        postForm(lead, "/budgets/" + leadMade, person).then().statusCode(303);
        assertThat(apiBudget(byLead).getString("amountUsd")).isEqualTo("7");
        assertThat(apiBudget(byLead).getString("scopeId")).isEqualTo(key.employeeId());

        for (String b : List.of(apiId, leadMade)) {
            Access.admin().delete("/api/admin/budgets/" + b).then().statusCode(204);
        }
    }

    @Test
    void aKeysBudgetNamesItByThePrefixThePagesShowNeverByTheKeyItself() {
        Admin.Key key = Admin.newKey();
        String prefix = key.key().substring(0, 12);
        String name = "By prefix " + UUID.randomUUID();
        Map<String, Object> body = teamBudget(key.teamId(), "name", name, "scope", "key");
        body.put("scopeId", prefix);
        String id = post(body).statusCode(201).extract().path("id");
        assertThat(apiBudget(name).getString("scopeId")).isEqualTo(key.keyId());

        // the whole key is a secret: refused, and not repeated in the answer
        body.put("scopeId", key.key());
        String refused = post(body).statusCode(400).extract().asString();
        assertThat(refused).contains("scopeId: give the key's id or its prefix").doesNotContain(key.key());
        body.put("scopeId", "tly_" + "zzzzzzzz");
        post(body).statusCode(400).body("detail", equalTo("scopeId: no key has the prefix tly_zzzzzzzz"));
        Access.admin().delete("/api/admin/budgets/" + id).then().statusCode(204);
    }

    static Map<String, Object> form(String name, String covers, String amountUsd, String mode) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("covers", covers);
        m.put("period", "month");
        m.put("amountUsd", amountUsd);
        m.put("mode", mode);
        m.put("unpriced", "allow");
        m.put("spikeAction", "alert");
        return m;
    }

    /** Posts a Budgets page form as a browser does: the CSRF cookie and token from the Budgets page. */
    static Response postForm(Supplier<RequestSpecification> who, String path, Map<String, ?> fields) {
        return postForm(who, path, fields, "/budgets");
    }

    /** As {@link #postForm}, with the CSRF token of another page (an employee cannot open the Budgets page). */
    static Response postForm(Supplier<RequestSpecification> who, String path, Map<String, ?> fields, String tokenPage) {
        return Access.postForm(who, path, fields, tokenPage);
    }

    /** The budget of this name, as the admin API shows it. */
    static JsonPath apiBudget(String name) {
        return Access.adminItem("/api/admin/budgets", name);
    }
}
