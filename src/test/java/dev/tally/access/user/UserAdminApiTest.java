package dev.tally.access.user;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import dev.tally.access.Access;
import dev.tally.platform.TestStack;

/**
 * The admin API's local accounts ({@code /api/admin/users}): what it creates and returns, and each
 * refusal with the field it names. The effects of a role change or a disabled account on a session
 * are {@code SessionSecurityTest}'s; a password reset's are {@code PasswordChangeTest}'s.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class UserAdminApiTest {

    @Test
    void anAccountCreatedWithoutAPasswordGetsAGeneratedOneShownOnceAndNeverItsHash() {
        String email = email();
        ValidatableResponse created = create(
                        Map.of("email", "  " + email.toUpperCase() + " ", "name", " Ann ", "role", "leader"))
                .statusCode(201);
        String id = created.extract().path("id");
        String password = created.extract().path("password");
        created.body("username", equalTo(email)).body("name", equalTo("Ann"));
        assertThat(password).hasSize(20).matches("[A-Za-z0-9]{20}");

        String got = Access.admin()
                .get("/api/admin/users/" + id)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(got).doesNotContain(password).doesNotContain("passwordHash").doesNotContain("$2");
        Access.admin().get("/api/admin/users/" + id).then().body("password", nullValue());
        Access.session(Access.signIn(email, password))
                .get("/api/reports/org")
                .then()
                .statusCode(200);
    }

    @Test
    void eachRefusalNamesItsField() {
        create(Map.of("email", "no-at-sign.example.com", "name", "X", "role", "leader"))
                .statusCode(400)
                .body("detail", containsString("email: 'no-at-sign.example.com' is not an e-mail address"));
        create(Map.of("email", email(), "name", "X", "role", "leader", "password", "too-short"))
                .statusCode(400)
                .body("detail", containsString("password"));
        create(Map.of("email", email(), "name", "X", "role", "overlord")).statusCode(400);
        String team = team();
        create(Map.of("email", email(), "name", "X", "role", "leader", "teamIds", List.of(team)))
                .statusCode(400)
                .body("detail", containsString("teamIds: only a team_lead has teams (role is leader)"));
        create(Map.of("email", email(), "name", "X", "role", "team_lead"))
                .statusCode(400)
                .body("detail", containsString("teamIds: a team_lead needs at least one team"));
        String ghost = UUID.randomUUID().toString();
        create(Map.of("email", email(), "name", "X", "role", "team_lead", "teamIds", List.of(team, ghost)))
                .statusCode(400)
                .body("detail", containsString("teamIds[1]: no team with id " + ghost));

        String email = email();
        String id = create(Map.of("email", email, "name", "X", "role", "employee"))
                .statusCode(201)
                .extract()
                .path("id");
        create(Map.of("email", email.toUpperCase(), "name", "Y", "role", "employee"))
                .statusCode(409)
                .body("detail", containsString("email: a user " + email + " already exists"));
        patch(id, Map.of("name", "   ")).statusCode(400).body("detail", containsString("name: must not be blank"));
        String unknown = UUID.randomUUID().toString();
        Access.admin()
                .get("/api/admin/users/" + unknown)
                .then()
                .statusCode(404)
                .body("detail", containsString("no user with id " + unknown));
        Access.admin().post("/api/admin/users/" + unknown + "/password").then().statusCode(404);
    }

    @Test
    void theAdminAccountStaysAnAdmin() {
        String admin = Access.admin()
                .get("/api/admin/users")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("find { it.username == 'admin' }.id");
        patch(admin, Map.of("role", "leader"))
                .statusCode(400)
                .body("detail", containsString("role: the admin account stays an admin"));
        Access.admin().get("/api/admin/users/" + admin).then().statusCode(200).body("role", equalTo("admin"));
    }

    @Test
    void aTeamLeadKeepsTheirTeamsUntilGivenNewOnesAndLosesThemWithTheRole() {
        String a = team();
        String b = team();
        String id = create(Map.of("email", email(), "name", "Lead", "role", "team_lead", "teamIds", List.of(a, a)))
                .statusCode(201)
                .body("teamIds", hasSize(1))
                .extract()
                .path("id");
        patch(id, Map.of("name", "Lead Renamed")).statusCode(200).body("teamIds", contains(a));
        patch(id, Map.of("teamIds", List.of(b))).statusCode(200).body("teamIds", contains(b));
        patch(id, Map.of("role", "leader")).statusCode(200).body("teamIds", hasSize(0));
    }

    @Test
    void anAccountAsGetAnswersItGoesBackInAPatchWithItsReadOnlyFieldsIgnored() {
        String a = team();
        String id = create(Map.of("email", email(), "name", "Lead", "role", "team_lead", "teamIds", List.of(a)))
                .statusCode(201)
                .extract()
                .path("id");
        Map<String, Object> got = new HashMap<>(Access.admin()
                .get("/api/admin/users/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap(""));
        assertThat(got).containsKeys("id", "username", "createdAt");
        got.put("name", "Lead Renamed");
        patch(id, got).statusCode(200).body("name", equalTo("Lead Renamed")).body("teamIds", contains(a));
        patch(id, Map.of("nmae", "x")).statusCode(400).body("detail", containsString("nmae: unknown field"));
    }

    private static ValidatableResponse create(Map<String, ?> body) {
        return Access.admin()
                .contentType(ContentType.JSON)
                .body(new HashMap<>(body))
                .post("/api/admin/users")
                .then();
    }

    private static ValidatableResponse patch(String id, Map<String, ?> body) {
        return Access.admin()
                .contentType(ContentType.JSON)
                .body(body)
                .patch("/api/admin/users/" + id)
                .then();
    }

    private static String email() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@users.test";
    }

    private static String team() {
        return Access.newTeam("Users " + UUID.randomUUID().toString().substring(0, 8), "X");
    }
}
