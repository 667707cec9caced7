package dev.tally.access;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import dev.tally.platform.TestStack;

/**
 * Self-service gateway keys over the JSON API ({@code /api/me/keys}): the name a key needs, the cap
 * on active keys per employee (20 by default) and the place a revoked key frees, a key that is not
 * one's own, and a person who is no employee. The page flow, with a call through the gateway, is
 * {@link SelfServiceBrowserTest}'s.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class SelfServiceKeysTest {

    @Test
    void aKeyNeedsANameOf1To200Characters() {
        String me = employee();
        for (String name : List.of("", "   ", "x".repeat(201))) {
            create(me, Map.of("name", name))
                    .statusCode(400)
                    .body("detail", containsString("name: give the key a name of 1 to 200 characters"));
        }
        create(me, Map.of()).statusCode(400);
        create(me, Map.of("name", "x".repeat(200))).statusCode(201).body("key", startsWith("tly_"));
    }

    @Test
    void anEmployeeHoldsAtMostTwentyActiveKeysAndARevokedOneFreesAPlace() {
        String me = employee();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(create(me, Map.of("name", "device " + i))
                    .statusCode(201)
                    .extract()
                    .path("id"));
        }
        create(me, Map.of("name", "one too many"))
                .statusCode(409)
                .body("detail", containsString("you already have 20 active keys"));

        Access.employee(me).delete("/api/me/keys/" + ids.get(7)).then().statusCode(204);

        create(me, Map.of("name", "in its place")).statusCode(201);
        create(me, Map.of("name", "one too many again")).statusCode(409);
    }

    @Test
    void aKeyThatIsNotOnesOwnCannotBeRevokedAndDoesNotSayWhoseItIs() {
        String me = employee();
        String other = employee();
        String theirs = create(other, Map.of("name", "theirs"))
                .statusCode(201)
                .extract()
                .path("id");
        String unknown = UUID.randomUUID().toString();

        Access.employee(me)
                .delete("/api/me/keys/" + theirs)
                .then()
                .statusCode(404)
                .body("detail", containsString("you have no key with id " + theirs));
        Access.employee(me)
                .delete("/api/me/keys/" + unknown)
                .then()
                .statusCode(404)
                .body("detail", containsString("you have no key with id " + unknown));
        Access.employee(other)
                .get("/api/me/keys")
                .then()
                .statusCode(200)
                .body("find { it.id == '" + theirs + "' }.status", equalTo("active"));
    }

    @Test
    void aPersonWhoIsNoEmployeeHasNoKeysToSeeOrMake() {
        String email = "no-employee-" + UUID.randomUUID().toString().substring(0, 8) + "@keys.test";
        Access.createUser(email, "Not An Employee", AccessRole.LEADER, List.of());
        String session = Access.signIn(email, Access.PASSWORD);

        Access.session(session)
                .get("/api/me/keys")
                .then()
                .statusCode(403)
                .body("detail", containsString("matches no employee's e-mail"));
        Access.session(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "laptop"))
                .post("/api/me/keys")
                .then()
                .statusCode(403);
    }

    /** A key for the signed-in employee with this e-mail (a fresh request each time). */
    private static ValidatableResponse create(String employee, Map<String, ?> body) {
        return Access.employee(employee)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/me/keys")
                .then();
    }

    /** A new employee in a team of their own; returns the e-mail. */
    private static String employee() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String email = "emp-" + suffix + "@keys.test";
        Access.newEmployee(email, "Keys Employee", Access.newTeam("Keys " + suffix, "X"));
        return email;
    }
}
