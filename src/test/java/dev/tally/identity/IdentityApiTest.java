package dev.tally.identity;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/** The identity admin API over real HTTP against the embedded PostgreSQL. */
@QuarkusTest
@WithTestResource(TestStack.class)
class IdentityApiTest {

    static final String AUTH = "Bearer " + TallyServices.ADMIN_TOKEN;

    static ValidatableResponse post(String path, Object body) {
        return given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post(path)
                .then();
    }

    static String unique(String what) {
        return what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String createTeam() {
        return post("/api/admin/teams", Map.of("name", unique("team"), "department", "Engineering"))
                .statusCode(201)
                .extract()
                .path("id");
    }

    static String createEmployee(String teamId) {
        return post(
                        "/api/admin/employees",
                        Map.of("email", unique("dev") + "@example.com", "name", "Dev", "teamId", teamId))
                .statusCode(201)
                .extract()
                .path("id");
    }

    @Test
    void teamIsCreatedListedAndFetched() {
        String name = unique("Platform");
        String id = post("/api/admin/teams", Map.of("name", name, "department", "Engineering"))
                .statusCode(201)
                .header("Location", containsString("/api/admin/teams/"))
                .body("name", equalTo(name))
                .body("department", equalTo("Engineering"))
                .extract()
                .path("id");
        given().header("Authorization", AUTH)
                .get("/api/admin/teams")
                .then()
                .statusCode(200)
                .body("id", hasItem(id))
                .body("name", hasItem(name));
        given().header("Authorization", AUTH)
                .get("/api/admin/teams/" + id)
                .then()
                .statusCode(200)
                .body("name", equalTo(name));
        given().header("Authorization", AUTH)
                .get("/api/admin/teams/" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void everyAdminPathRefusesAMissingOrWrongToken() {
        given().contentType(ContentType.JSON)
                .body(Map.of("name", "x", "department", "y"))
                .post("/api/admin/teams")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().get("/api/admin/employees").then().statusCode(401);
        given().header("Authorization", "Bearer wrong")
                .get("/api/admin/keys")
                .then()
                .statusCode(401);
        given().delete("/api/admin/keys/" + UUID.randomUUID()).then().statusCode(401);
    }

    @Test
    void duplicateTeamNameIsAConflictWhateverTheCase() {
        String name = unique("Dup");
        post("/api/admin/teams", Map.of("name", name, "department", "A")).statusCode(201);
        post("/api/admin/teams", Map.of("name", name.toUpperCase(), "department", "B"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString("name"));
    }

    @Test
    void invalidFieldsAreA400NamingTheField() {
        post("/api/admin/teams", Map.of("name", " ", "department", "Eng"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("name:"));
        post("/api/admin/teams", Map.of("name", "x")).statusCode(400).body("detail", containsString("department:"));
        String team = createTeam();
        post("/api/admin/employees", Map.of("email", "not-an-email", "name", "N", "teamId", team))
                .statusCode(400)
                .body("detail", containsString("email:"));
        post(
                        "/api/admin/employees",
                        Map.of(
                                "email",
                                unique("e") + "@example.com",
                                "name",
                                "N",
                                "teamId",
                                UUID.randomUUID().toString()))
                .statusCode(400)
                .body("detail", containsString("teamId:"));
        post(
                        "/api/admin/employees",
                        Map.of(
                                "email",
                                unique("e") + "@example.com",
                                "name",
                                "N",
                                "teamId",
                                team,
                                "githubLogin",
                                "not a login"))
                .statusCode(400)
                .body("detail", containsString("githubLogin:"));
        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body("{\"name\": ")
                .post("/api/admin/teams")
                .then()
                .statusCode(400)
                .body("detail", containsString("malformed JSON"));
        given().header("Authorization", AUTH)
                .get("/api/admin/employees?teamId=nope")
                .then()
                .statusCode(400)
                .body("detail", containsString("teamId:"));
    }

    @Test
    void employeeIsCreatedListedByTeamAndChanged() {
        String team = createTeam();
        String other = createTeam();
        String email = unique("Ada") + "@Example.com";
        String id = post(
                        "/api/admin/employees",
                        Map.of("email", email, "name", "Ada", "teamId", team, "githubLogin", unique("ada")))
                .statusCode(201)
                .body("email", equalTo(email.toLowerCase()))
                .body("teamId", equalTo(team))
                .extract()
                .path("id");
        given().header("Authorization", AUTH)
                .get("/api/admin/employees?teamId=" + team)
                .then()
                .statusCode(200)
                .body("id", equalTo(List.of(id)));

        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(Map.of("teamId", other))
                .patch("/api/admin/employees/" + id)
                .then()
                .statusCode(200)
                .body("teamId", equalTo(other))
                .body("name", equalTo("Ada"));
        Map<String, Object> clearLogin = new HashMap<>(Map.of("githubLogin", ""));
        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(clearLogin)
                .patch("/api/admin/employees/" + id)
                .then()
                .statusCode(200)
                .body("githubLogin", nullValue());
        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(Map.of("email", email, "name", "Ada L.", "teamId", team))
                .put("/api/admin/employees/" + id)
                .then()
                .statusCode(200)
                .body("name", equalTo("Ada L."))
                .body("teamId", equalTo(team));
        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(Map.of("teamId", UUID.randomUUID()))
                .patch("/api/admin/employees/" + id)
                .then()
                .statusCode(400)
                .body("detail", containsString("teamId:"));
        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "X"))
                .patch("/api/admin/employees/" + UUID.randomUUID())
                .then()
                .statusCode(404);
    }

    @Test
    void duplicateEmailAndGithubLoginAreConflicts() {
        String team = createTeam();
        String email = unique("twin") + "@example.com";
        String login = unique("twin");
        post("/api/admin/employees", Map.of("email", email, "name", "A", "teamId", team, "githubLogin", login))
                .statusCode(201);
        post("/api/admin/employees", Map.of("email", email.toUpperCase(), "name", "B", "teamId", team))
                .statusCode(409)
                .body("detail", containsString("email"));
        post(
                        "/api/admin/employees",
                        Map.of(
                                "email",
                                unique("x") + "@example.com",
                                "name",
                                "C",
                                "teamId",
                                team,
                                "githubLogin",
                                login.toUpperCase()))
                .statusCode(409)
                .body("detail", containsString("githubLogin"));
    }

    @Test
    void keyIsShownOnceAndListedByPrefixOnly() {
        String employee = createEmployee(createTeam());
        var created = post(
                        "/api/admin/keys",
                        Map.of(
                                "employeeId",
                                employee,
                                "name",
                                "laptop",
                                "allowedModels",
                                List.of("gpt-4o-mini", "claude-sonnet-4-5"),
                                "requestsPerMinute",
                                30))
                .statusCode(201)
                .body("employeeId", equalTo(employee))
                .body("requestsPerMinute", equalTo(30))
                .body("tokensPerMinute", nullValue())
                .extract();
        String key = created.path("key");
        String prefix = created.path("prefix");
        assertThat(key).matches("tly_[0-9A-Za-z]{40}");
        assertThat(prefix).isEqualTo(key.substring(0, 12));

        String listed = given().header("Authorization", AUTH)
                .get("/api/admin/keys?employeeId=" + employee)
                .then()
                .statusCode(200)
                .body("prefix", equalTo(List.of(prefix)))
                .body("status", equalTo(List.of("active")))
                .body("[0]", not(org.hamcrest.Matchers.hasKey("key")))
                .extract()
                .asString();
        assertThat(listed).doesNotContain(key);
    }

    @Test
    void keyForAnUnknownEmployeeOrWithBadLimitsIsA400NamingTheField() {
        post("/api/admin/keys", Map.of("employeeId", UUID.randomUUID().toString()))
                .statusCode(400)
                .body("detail", containsString("employeeId:"));
        String employee = createEmployee(createTeam());
        post("/api/admin/keys", Map.of("employeeId", employee, "requestsPerMinute", 0))
                .statusCode(400)
                .body("detail", containsString("requestsPerMinute:"));
        post("/api/admin/keys", Map.of("employeeId", employee, "expiresAt", "2020-01-01T00:00:00Z"))
                .statusCode(400)
                .body("detail", containsString("expiresAt:"));
        post("/api/admin/keys", Map.of("employeeId", employee, "allowedModels", List.of("ok", " ")))
                .statusCode(400)
                .body("detail", containsString("allowedModels[1]:"));
        post("/api/admin/keys", Map.of()).statusCode(400).body("detail", containsString("employeeId:"));
    }

    @Test
    void anEmployeeAsGetAnswersThemGoesBackInAPutOrPatchWithItsReadOnlyFieldsIgnored() {
        String id = createEmployee(createTeam());
        Map<String, Object> got = new java.util.HashMap<>(given().header("Authorization", AUTH)
                .get("/api/admin/employees/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap(""));
        assertThat(got).containsKeys("id", "createdAt");
        got.put("name", "Replaced");
        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(got)
                .put("/api/admin/employees/" + id)
                .then()
                .statusCode(200)
                .body("name", equalTo("Replaced"));
        got.put("name", "Patched");
        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(got)
                .patch("/api/admin/employees/" + id)
                .then()
                .statusCode(200)
                .body("name", equalTo("Patched"))
                .body("id", equalTo(id));
    }

    @Test
    void aMisspeltFieldIsA400NamingItAndNothingIsCreatedOrChanged() {
        String team = createTeam();
        // a create: refused whole, not stored without the optional field the admin meant to set
        post(
                        "/api/admin/employees",
                        Map.of(
                                "email",
                                unique("typo") + "@example.com",
                                "name",
                                "Ty",
                                "teamId",
                                team,
                                "githubLgin",
                                "ty"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("githubLgin: unknown field; expected one of email, githubLogin, name, teamId"));
        given().header("Authorization", AUTH)
                .get("/api/admin/employees?teamId=" + team)
                .then()
                .statusCode(200)
                .body("size()", equalTo(0));

        // an edit: a 400, where it answered 200 and changed nothing
        String id = createEmployee(team);
        given().header("Authorization", AUTH)
                .contentType(ContentType.JSON)
                .body(Map.of("nmae", "Renamed"))
                .patch("/api/admin/employees/" + id)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("nmae: unknown field; expected one of "));
        given().header("Authorization", AUTH)
                .get("/api/admin/employees/" + id)
                .then()
                .statusCode(200)
                .body("name", equalTo("Dev"));

        // a key whose limit is misspelt would have had none
        post("/api/admin/keys", Map.of("employeeId", id, "requestsPerMinut", 5))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", startsWith("requestsPerMinut: unknown field; expected one of "))
                .body("detail", containsString("requestsPerMinute"));
        given().header("Authorization", AUTH)
                .get("/api/admin/keys?employeeId=" + id)
                .then()
                .statusCode(200)
                .body("size()", equalTo(0));
    }

    @Test
    void revokingAKeyShowsItRevokedAndIsIdempotent() {
        String employee = createEmployee(createTeam());
        String id = post("/api/admin/keys", Map.of("employeeId", employee))
                .statusCode(201)
                .extract()
                .path("id");
        given().header("Authorization", AUTH)
                .delete("/api/admin/keys/" + id)
                .then()
                .statusCode(204);
        given().header("Authorization", AUTH)
                .delete("/api/admin/keys/" + id)
                .then()
                .statusCode(204);
        given().header("Authorization", AUTH)
                .get("/api/admin/keys/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("revoked"))
                .body("revokedAt", not(nullValue()));
        given().header("Authorization", AUTH)
                .delete("/api/admin/keys/" + UUID.randomUUID())
                .then()
                .statusCode(404);
    }
}
