package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.tally.gateway.Admin;
import dev.tally.outcomes.OutcomeTestData;
import dev.tally.platform.TestStack;

/**
 * Every kind of change leaves an audit entry with who, when, from where, before and after; admins
 * read it as JSON, CSV and a page; nobody can change it.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class AuditLogTest {

    @Inject
    DataSource dataSource;

    @Test
    void everyKindOfChangeIsRecordedWithWhoFromWhereBeforeAndAfter() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        // teams, employees, keys (create, revoke)
        String team = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Audit " + suffix, "department", "Ops"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String employee = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("email", "audit-" + suffix + "@audit.test", "name", "Audited Person", "teamId", team))
                .post("/api/admin/employees")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String key = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("employeeId", employee, "name", "audited"))
                .post("/api/admin/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        Access.admin().delete("/api/admin/keys/" + key).then().statusCode(204);
        // users and roles (by a signed-in admin person, so the actor is a user)
        String user = Access.adminUser()
                .contentType(ContentType.JSON)
                .body(Map.of("email", "audit-user-" + suffix + "@audit.test", "name", "Audited User", "role", "leader"))
                .post("/api/admin/users")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        Access.adminUser()
                .contentType(ContentType.JSON)
                .body(Map.of("role", "team_lead", "teamIds", List.of(team)))
                .patch("/api/admin/users/" + user)
                .then()
                .statusCode(200);
        // a JSON API call with a session (no form, so no CSRF token: browsers do not send JSON cross-site)
        Access.adminUser()
                .contentType(ContentType.JSON)
                .post("/api/admin/users/" + user + "/password")
                .then()
                .statusCode(200);
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("role", "leader"))
                .put("/api/admin/group-mappings/audit-" + suffix)
                .then()
                .statusCode(200);
        // tokens
        String token = Access.newToken(null, Scope.REPORTS_READ).path("id");
        Access.admin().delete("/api/admin/tokens/" + token).then().statusCode(204);
        // prices
        String model = "audit-model-" + suffix;
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("input", 1.00, "output", 2.00, "cacheRead", 0.10, "cacheWrite", 1.25))
                .put("/api/admin/prices/" + model)
                .then()
                .statusCode(200);
        Access.admin().delete("/api/admin/prices/" + model).then().statusCode(204);
        // repository rules
        List<Map<String, Object>> rules = Access.admin()
                .get("/api/admin/repo-teams")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("findAll { it.source == 'admin' }");
        List<Map<String, Object>> next = new java.util.ArrayList<>(rules.stream()
                .map(r -> Map.<String, Object>of("pattern", r.get("pattern"), "teamId", r.get("teamId")))
                .toList());
        next.add(Map.of("pattern", "audit-" + suffix + "/*", "teamId", team));
        Access.admin()
                .contentType(ContentType.JSON)
                .body(next)
                .put("/api/admin/repo-teams")
                .then()
                .statusCode(200);
        // imports
        Access.admin()
                .contentType("text/csv")
                .body("email,name,team,department,githubLogin\nimp-" + suffix + "@audit.test,Imported,Audit " + suffix
                        + ",Ops,\n")
                .post("/api/admin/employees/import")
                .then()
                .statusCode(200);
        Access.token(Scope.OUTCOMES_WRITE)
                .contentType("application/sarif+json")
                .body(OutcomeTestData.bytes("sarif/ai-review.sarif.json"))
                .post("/api/outcomes/sarif?repo=audit-" + suffix + "/app")
                .then()
                .statusCode(200);

        JsonPath log = Access.admin()
                .get("/api/admin/audit?limit=500")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(entry(log, "team.create", team).get("after").toString()).contains("Audit " + suffix);
        assertThat(entry(log, "team.create", team).get("actor")).isEqualTo("admin-token");
        assertThat(entry(log, "team.create", team).get("source")).isEqualTo("127.0.0.1");
        assertThat(entry(log, "employee.create", employee)).isNotNull();
        assertThat(entry(log, "key.create", key).get("after").toString())
                .contains("tly_")
                .doesNotContain("keyHash");
        Map<String, Object> revoke = entry(log, "key.revoke", key);
        assertThat(((Map<?, ?>) revoke.get("before")).get("status")).isEqualTo("active");
        assertThat(((Map<?, ?>) revoke.get("after")).get("status")).isEqualTo("revoked");
        Map<String, Object> created = entry(log, "user.create", user);
        assertThat((String) created.get("actor")).startsWith("user:admin-");
        assertThat(created.get("actorRole")).isEqualTo("admin");
        assertThat(created.get("after").toString()).doesNotContain("password").doesNotContain("$2");
        Map<String, Object> roleChange = entry(log, "user.update", user);
        assertThat(((Map<?, ?>) roleChange.get("before")).get("role")).isEqualTo("leader");
        assertThat(((Map<?, ?>) roleChange.get("after")).get("role")).isEqualTo("team_lead");
        assertThat(entry(log, "user.password_reset", user)).isNotNull();
        assertThat(entry(log, "group_mapping.create", "audit-" + suffix)).isNotNull();
        assertThat(entry(log, "token.create", token)).isNotNull();
        assertThat(entry(log, "token.revoke", token)).isNotNull();
        assertThat(entry(log, "price.create", model).get("after").toString()).contains("1000000000");
        assertThat(entry(log, "price.delete", model)).isNotNull();
        assertThat(entry(log, "repo_rule.update", "repo-teams").get("after").toString())
                .contains("audit-" + suffix + "/*");
        assertThat(entry(log, "import.upload", "employees-csv")).isNotNull();
        Map<String, Object> sarif = entry(log, "import.upload", "sarif:audit-" + suffix + "/app");
        assertThat((String) sarif.get("actor")).startsWith("token:");
    }

    @Test
    void theLogIsFilteredByKindAndItsBadParametersAreRefusedByName() {
        String group = "audit-filter-" + UUID.randomUUID().toString().substring(0, 8);
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("role", "leader"))
                .put("/api/admin/group-mappings/" + group)
                .then()
                .statusCode(200);
        List<Map<String, Object>> groups = Access.admin()
                .get("/api/admin/audit?target=group_mapping&limit=10000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        assertThat(groups)
                .isNotEmpty()
                .allSatisfy(e -> assertThat((String) e.get("action")).startsWith("group_mapping."));
        assertThat(groups).anySatisfy(e -> assertThat(e.get("targetId")).isEqualTo(group));
        Access.admin().get("/api/admin/audit?limit=1").then().statusCode(200).body("size()", equalTo(1));

        Map<String, String> refusals = Map.of(
                "limit=0", "limit: 1 to 10000",
                "limit=10001", "limit: 1 to 10000",
                "days=0", "days: 1 or more",
                "format=xml", "format: 'xml' is not json or csv",
                "target=nope", "target: 'nope' is not one of",
                "from=yesterday", "from: 'yesterday' is not an ISO instant",
                "to=2026-13-01", "to: '2026-13-01' is not an ISO instant");
        refusals.forEach((query, detail) -> Access.admin()
                .get("/api/admin/audit?" + query)
                .then()
                .statusCode(400)
                .body("detail", containsString(detail)));
    }

    @Test
    void budgetsAlertChannelsAndKeyResumesAreRecordedWithoutChannelSecrets() {
        Admin.Key key = Admin.newKey();
        String channel = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("type", "webhook", "name", "Audited hook", "url", "http://127.0.0.1:9/hook"))
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String budget = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "Audited budget",
                        "scope",
                        "team",
                        "scopeId",
                        key.teamId(),
                        "period",
                        "month",
                        "amountUsd",
                        "100",
                        "mode",
                        "alert",
                        "channelIds",
                        List.of(channel)))
                .post("/api/admin/budgets")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        "Audited budget",
                        "scope",
                        "team",
                        "scopeId",
                        key.teamId(),
                        "period",
                        "month",
                        "amountUsd",
                        "250",
                        "mode",
                        "block",
                        "channelIds",
                        List.of(channel)))
                .put("/api/admin/budgets/" + budget)
                .then()
                .statusCode(200);
        Access.admin().delete("/api/admin/budgets/" + budget).then().statusCode(204);
        Access.admin().post("/api/admin/keys/" + key.keyId() + "/resume").then().statusCode(204);
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Audited channel, renamed"))
                .patch("/api/admin/alert-channels/" + channel)
                .then()
                .statusCode(200);
        Access.admin().delete("/api/admin/alert-channels/" + channel).then().statusCode(204);

        JsonPath log = Access.admin()
                .get("/api/admin/audit?limit=500")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(entry(log, "budget.create", budget).get("after").toString()).contains("Audited budget");
        Map<String, Object> update = entry(log, "budget.update", budget);
        assertThat(((Map<?, ?>) update.get("before")).get("mode")).isEqualTo("alert");
        assertThat(((Map<?, ?>) update.get("after")).get("mode")).isEqualTo("block");
        assertThat(entry(log, "budget.delete", budget).get("before").toString()).contains("Audited budget");
        assertThat(entry(log, "key.resume", key.keyId()).get("actor")).isEqualTo("admin-token");
        Map<String, Object> created = entry(log, "alert_channel.create", channel);
        assertThat(((Map<?, ?>) created.get("after")).get("hasSecret")).isEqualTo(true);
        assertThat(((Map<?, ?>) created.get("after")).containsKey("secret"))
                .as("the generated secret is not logged")
                .isFalse();
        assertThat(created.get("after").toString()).doesNotContain("127.0.0.1:9/hook");
        Map<String, Object> renamed = entry(log, "alert_channel.update", channel);
        assertThat(((Map<?, ?>) renamed.get("after")).get("name")).isEqualTo("Audited channel, renamed");
        assertThat(renamed.get("after").toString()).doesNotContain("127.0.0.1:9/hook");
        assertThat(entry(log, "alert_channel.delete", channel)).isNotNull();
    }

    @Test
    void adminsReadItAsAPageAndCsvAndOthersCannot() {
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Audit csv " + UUID.randomUUID().toString().substring(0, 8), "department", "Ops"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201);
        String csv = Access.admin()
                .get("/api/admin/audit?format=csv&target=team")
                .then()
                .statusCode(200)
                .contentType(org.hamcrest.Matchers.containsString("text/csv"))
                .extract()
                .asString();
        assertThat(csv.lines().findFirst().orElseThrow())
                .isEqualTo("at,actor,actor_role,source,action,target_kind,target_id,before,after");
        assertThat(csv).contains("team.create").contains("Audit csv");
        String page = Access.adminUser()
                .get("/admin/audit")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page).contains("Audit log").contains("team.create");
        Access.leader().get("/admin/audit").then().statusCode(403);
        Access.leader().get("/api/admin/audit").then().statusCode(403);
        Access.token(Scope.REPORTS_READ).get("/api/admin/audit").then().statusCode(403);
        given().get("/api/admin/audit").then().statusCode(401);
    }

    @Test
    void theLogCannotBeChangedThroughTheApiOrTheDatabase() throws SQLException {
        Access.admin()
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/admin/audit")
                .then()
                .statusCode(405);
        Access.admin()
                .contentType(ContentType.JSON)
                .body("{}")
                .put("/api/admin/audit")
                .then()
                .statusCode(405);
        Access.admin().delete("/api/admin/audit").then().statusCode(405);
        try (Connection c = dataSource.getConnection();
                Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeUpdate("UPDATE audit_log SET actor = 'someone else'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> st.executeUpdate("DELETE FROM audit_log")).hasMessageContaining("append-only");
            assertThatThrownBy(() -> st.executeUpdate("TRUNCATE audit_log")).hasMessageContaining("append-only");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(JsonPath log, String action, String targetId) {
        List<Map<String, Object>> all = log.getList("$");
        return all.stream()
                .filter(e -> action.equals(e.get("action")) && targetId.equals(e.get("targetId")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no audit entry " + action + " " + targetId));
    }
}
