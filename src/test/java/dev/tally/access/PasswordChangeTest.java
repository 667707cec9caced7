package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.platform.TestStack;

/**
 * A local account's password, changed by its owner on My usage or reset by an admin: the old
 * password stops signing in, the new one signs in, and every session begun before the change ends
 * at its next request (a session keeps a stamp of the password it began with). A refused change
 * changes nothing.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class PasswordChangeTest {

    static final String NEW_PASSWORD = "a-new-password-of-enough-length";

    @Test
    void changingItsPasswordEndsEverySessionOfTheAccountAndOnlyTheNewOneSignsIn() {
        String email = leader();
        String here = Access.signIn(email, Access.PASSWORD);
        String elsewhere = Access.signIn(email, Access.PASSWORD); // another browser, or a stolen cookie
        Access.session(elsewhere).get("/api/reports/org").then().statusCode(200);

        Response changed = changePassword(here, Access.PASSWORD, NEW_PASSWORD);

        changed.then()
                .statusCode(303)
                .header("Location", endsWith("/login?password-changed=1"))
                .header("Cache-Control", "no-store");
        assertThat(changed.getDetailedCookie(Access.SessionCookie.NAME).getMaxAge())
                .as("the session cookie is cleared")
                .isZero();
        Access.assertEnded(elsewhere);
        Access.assertEnded(here);
        given().get("/login?password-changed=1").then().statusCode(200).body(containsString("id=\"password-changed\""));

        signInFails(email, Access.PASSWORD);
        String fresh = Access.signIn(email, NEW_PASSWORD);
        Access.session(fresh).get("/api/reports/org").then().statusCode(200);

        Map<String, Object> reset = Access.auditEntry("user.password_reset", id(email));
        assertThat((String) reset.get("actor")).startsWith("user:");
    }

    @Test
    void aWrongCurrentPasswordOrANewOneOutOfBoundsIsRefusedAndChangesNothing() {
        String email = leader();
        String session = Access.signIn(email, Access.PASSWORD);

        changePassword(session, "not-the-password", NEW_PASSWORD)
                .then()
                .statusCode(400)
                .body(containsString("current password: wrong password"));
        changePassword(session, Access.PASSWORD, "short-pw")
                .then()
                .statusCode(400)
                .body(containsString("new password: 12 to 200 characters"));
        changePassword(session, Access.PASSWORD, "x".repeat(201))
                .then()
                .statusCode(400)
                .body(containsString("new password: 12 to 200 characters"));

        Access.session(session).get("/api/reports/org").then().statusCode(200);
        signInFails(email, NEW_PASSWORD);
        Access.signIn(email, Access.PASSWORD);
    }

    @Test
    void anAdminsPasswordResetEndsTheAccountsSessions() {
        String email = leader();
        String session = Access.signIn(email, Access.PASSWORD);
        Access.session(session).get("/api/reports/org").then().statusCode(200);

        String generated = Access.admin()
                .post("/api/admin/users/" + id(email) + "/password")
                .then()
                .statusCode(200)
                .extract()
                .path("password");

        Access.session(session).get("/api/reports/org").then().statusCode(401);
        signInFails(email, Access.PASSWORD);
        Access.session(Access.signIn(email, generated))
                .get("/api/reports/org")
                .then()
                .statusCode(200);
    }

    /** Posts the change-password form of My usage with the page's CSRF token. */
    private static Response changePassword(String session, String current, String next) {
        Response me = Access.session(session).get("/me");
        me.then().statusCode(200);
        String csrf = me.getCookie("tally-csrf");
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(me.asString());
        assertThat(m.find()).as("a CSRF field on My usage").isTrue();
        return Access.session(session)
                .cookie("tally-csrf", csrf)
                .redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("csrf-token", m.group(1))
                .formParam("current", current)
                .formParam("password", next)
                .post("/me/password");
    }

    private static void signInFails(String email, String password) {
        given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("j_username", email)
                .formParam("j_password", password)
                .post("/j_security_check")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login?error=credentials"));
    }

    private static String leader() {
        String email = "pw-" + UUID.randomUUID().toString().substring(0, 8) + "@password.test";
        Access.createUser(email, "Password Tester", AccessRole.LEADER, List.of());
        return email;
    }

    private static String id(String email) {
        return Access.admin()
                .get("/api/admin/users")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("find { it.username == '" + email + "' }.id");
    }
}
