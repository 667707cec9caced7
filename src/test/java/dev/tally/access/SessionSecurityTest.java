package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.access.user.AdminAccount;
import dev.tally.platform.TestStack;

/**
 * Session cookies, CSRF tokens on forms, the sign-in form's origin check, the generated admin
 * password, and accounts that are disabled while signed in.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class SessionSecurityTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    MovableClock clock;

    @Test
    void theGeneratedAdminPasswordIsOwnerOnlyAndSignsIn() throws Exception {
        Path file = Path.of(ConfigProvider.getConfig().getValue("tally.data-dir", String.class))
                .resolve(AdminAccount.FILE);
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        String password = Files.readString(file).trim();
        assertThat(password).hasSizeGreaterThanOrEqualTo(20);
        String cookie = Access.signIn("admin", password);
        Access.session(cookie).get("/api/admin/keys").then().statusCode(200);
        Access.session(cookie).get("/admin/audit").then().statusCode(200);
    }

    @Test
    void theSessionCookieIsHttpOnlySameSiteAndSecureBehindHttps() {
        String email = user(AccessRole.LEADER);
        String plain = signInHeader(email, null);
        assertThat(plain)
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Lax")
                .doesNotContainIgnoringCase("Secure");
        // behind a TLS-terminating proxy that says so (a trusted proxy: loopback in tests)
        String https = signInHeader(email, "https");
        assertThat(https)
                .containsIgnoringCase("HttpOnly")
                .containsIgnoringCase("SameSite=Lax")
                .containsIgnoringCase("Secure");
    }

    @Test
    void aSignInFormPostedFromAnotherSiteIsRefused() {
        String email = user(AccessRole.LEADER);
        given().redirects()
                .follow(false)
                .header("Origin", "https://evil.example")
                .contentType(ContentType.URLENC)
                .formParam("j_username", email)
                .formParam("j_password", Access.PASSWORD)
                .post("/j_security_check")
                .then()
                .statusCode(403);
        given().redirects()
                .follow(false)
                .header("Sec-Fetch-Site", "cross-site")
                .contentType(ContentType.URLENC)
                .formParam("j_username", email)
                .formParam("j_password", Access.PASSWORD)
                .post("/j_security_check")
                .then()
                .statusCode(403);
        // the same form from this site signs in
        given().redirects()
                .follow(false)
                .header("Origin", "http://localhost:" + io.restassured.RestAssured.port)
                .header("Sec-Fetch-Site", "same-origin")
                .contentType(ContentType.URLENC)
                .formParam("j_username", email)
                .formParam("j_password", Access.PASSWORD)
                .post("/j_security_check")
                .then()
                .statusCode(302)
                .cookie(Access.SessionCookie.NAME);
    }

    @Test
    void formsWithoutTheirCsrfTokenAreRefused() {
        String email = employeeUser();
        String session = Access.signIn(email, Access.PASSWORD);
        // no CSRF cookie and no token
        Access.session(session)
                .redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("name", "laptop")
                .post("/me/keys")
                .then()
                .statusCode(400);
        Access.session(session)
                .redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .post("/logout")
                .then()
                .statusCode(400);
        // the page hands out the token; with it the same form works
        Response me = Access.session(session).get("/me");
        String csrfCookie = me.getCookie("tally-csrf");
        String token = hidden(me.asString());
        assertThat(token).isEqualTo(csrfCookie);
        Access.session(session)
                .cookie("tally-csrf", csrfCookie)
                .contentType(ContentType.URLENC)
                .formParam("csrf-token", "wrong" + token)
                .formParam("name", "laptop")
                .post("/me/keys")
                .then()
                .statusCode(400);
        String page = Access.session(session)
                .cookie("tally-csrf", csrfCookie)
                .contentType(ContentType.URLENC)
                .formParam("csrf-token", token)
                .formParam("name", "laptop")
                .post("/me/keys")
                .then()
                .statusCode(200)
                .header("Cache-Control", "no-store")
                .extract()
                .asString();
        assertThat(page).contains("id=\"new-key-value\">tly_");
        Access.session(session)
                .cookie("tally-csrf", csrfCookie)
                .redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("csrf-token", token)
                .post("/logout")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/login?signed-out=1"));
    }

    @Test
    void aFormPostWithoutAContentTypeStillNeedsItsCsrfToken() throws Exception {
        String session = Access.signIn(employeeUser(), Access.PASSWORD);
        String key = ownKey(session);
        // what fetch(url, {method: 'POST', credentials: 'include'}) sends from a page of the same site: no body,
        // no Content-Type, the session cookie (SameSite=Lax keeps it on same-site requests)
        HttpResponse<String> revoke = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(root + "me/keys/" + key + "/revoke"))
                                .header("Cookie", Access.SessionCookie.NAME + "=" + session)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(revoke.statusCode()).isEqualTo(400);
        assertStillActive(session, key);
    }

    @Test
    void anApiChangeMadeWithASessionFromAnotherOriginIsRefused() {
        String session = Access.signIn(employeeUser(), Access.PASSWORD);
        String key = ownKey(session);
        // a sibling host of the same site (SameSite=Lax sends the cookie there), and a browser saying cross-site
        Access.session(session)
                .header("Origin", "https://evil.example")
                .delete("/api/me/keys/" + key)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("from this site only"));
        Access.session(session)
                .header("Sec-Fetch-Site", "cross-site")
                .delete("/api/me/keys/" + key)
                .then()
                .statusCode(403);
        assertStillActive(session, key);
        // the same change from Tally's own pages goes through
        Access.session(session)
                .header("Origin", "http://localhost:" + io.restassured.RestAssured.port)
                .header("Sec-Fetch-Site", "same-origin")
                .delete("/api/me/keys/" + key)
                .then()
                .statusCode(204);
    }

    @Test
    void aBearerTokenCallIsNotCheckedForItsOrigin() {
        // a script or a tool on another origin sends its own credential, which no other site can make a browser send
        Access.admin()
                .header("Origin", "https://tools.example")
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Origin " + UUID.randomUUID(), "department", "Eng"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201);
    }

    @Test
    void aDisabledAccountIsSignedOutAtItsNextRequest() {
        String email = user(AccessRole.LEADER);
        String id = Access.admin()
                .get("/api/admin/users")
                .then()
                .extract()
                .jsonPath()
                .getString("find { it.username == '" + email + "' }.id");
        String session = Access.signIn(email, Access.PASSWORD);
        Access.session(session).get("/api/reports/org").then().statusCode(200);
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("disabled", true))
                .patch("/api/admin/users/" + id)
                .then()
                .statusCode(200);
        // refused at once: 401 on the API, back to sign-in on pages
        Access.assertEnded(session);
        given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("j_username", email)
                .formParam("j_password", Access.PASSWORD)
                .post("/j_security_check")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login?error=credentials"));
    }

    @Test
    void aSessionEndsAtItsMaximumAgeHoweverOftenItIsUsed() {
        String email = user(AccessRole.LEADER);
        String session = Access.signIn(email, Access.PASSWORD);
        try {
            // tally.access.session-max-age: 168 h from the sign-in, used or not
            clock.advance(Duration.ofHours(168).minusMinutes(1));
            Access.session(session).get("/api/reports/org").then().statusCode(200);
            clock.advance(Duration.ofMinutes(2));
            Access.assertEnded(session);
            // signing in again starts a new session
            Access.session(Access.signIn(email, Access.PASSWORD))
                    .get("/api/reports/org")
                    .then()
                    .statusCode(200);
        } finally {
            clock.reset();
        }
    }

    @Test
    void aRoleChangeTakesEffectAtTheNextRequest() {
        String email = user(AccessRole.LEADER);
        String id = Access.admin()
                .get("/api/admin/users")
                .then()
                .extract()
                .jsonPath()
                .getString("find { it.username == '" + email + "' }.id");
        String session = Access.signIn(email, Access.PASSWORD);
        Access.session(session).get("/operations").then().statusCode(200);
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("role", "employee"))
                .patch("/api/admin/users/" + id)
                .then()
                .statusCode(200);
        Access.session(session).get("/operations").then().statusCode(403);
    }

    @Test
    void aTeamLeadMadeLeaderNoLongerHasTeamsAndSeesEveryTeam() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String team = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Promo " + suffix, "department", "X"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String other = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Promo other " + suffix, "department", "X"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String email = "promo-" + suffix + "@session.test";
        String id = Access.createUser(email, "Promoted", AccessRole.TEAM_LEAD, List.of(team));
        String session = Access.signIn(email, Access.PASSWORD);
        Access.session(session).get("/api/reports/teams/" + other).then().statusCode(403);
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("role", "leader"))
                .patch("/api/admin/users/" + id)
                .then()
                .statusCode(200)
                .body("teamIds", org.hamcrest.Matchers.empty());
        Access.session(session).get("/api/reports/teams/" + other).then().statusCode(200);
        // and a team lead without a team is refused with the field
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("role", "team_lead"))
                .patch("/api/admin/users/" + id)
                .then()
                .statusCode(400)
                .body("detail", org.hamcrest.Matchers.containsString("teamIds"));
    }

    private static String signInHeader(String email, String forwardedProto) {
        var spec = given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("j_username", email)
                .formParam("j_password", Access.PASSWORD);
        if (forwardedProto != null) {
            spec = spec.header("X-Forwarded-Proto", forwardedProto);
        }
        Response r = spec.post("/j_security_check");
        r.then().statusCode(302);
        return r.getHeaders().getValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(Access.SessionCookie.NAME + "="))
                .findFirst()
                .orElseThrow();
    }

    private static String hidden(String html) {
        Matcher m = Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(html);
        assertThat(m.find()).as("a CSRF field on the page").isTrue();
        return m.group(1);
    }

    private static String user(AccessRole role) {
        String email = role.key().replace('_', '-') + "-"
                + UUID.randomUUID().toString().substring(0, 8) + "@session.test";
        Access.createUser(email, "Session Tester", role, List.of());
        return email;
    }

    private static String employeeUser() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String email = "emp-" + suffix + "@session.test";
        Access.newEmployee(email, "Session Employee", Access.newTeam("Session " + suffix, "X"));
        Access.createUser(email, "Session Employee", AccessRole.EMPLOYEE, List.of());
        return email;
    }

    /** A key the signed-in person makes for themselves on My usage's API; returns its id. */
    private static String ownKey(String session) {
        return Access.session(session)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "laptop"))
                .post("/api/me/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static void assertStillActive(String session, String key) {
        Access.session(session)
                .get("/api/me/keys")
                .then()
                .statusCode(200)
                .body("find { it.id == '" + key + "' }.status", org.hamcrest.Matchers.equalTo("active"));
    }
}
