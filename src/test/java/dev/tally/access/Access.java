package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tally.platform.TallyServices;

/**
 * REST Assured requests with the credentials of a role, so that any test reads reports or pages
 * the way that role would, in one line: {@code Access.leader().get("/api/reports/org")}. People
 * sign in for real (a local account created through the admin API, then the form sign-in); tokens
 * are minted through the admin API. Sessions and tokens are made once per test JVM and reused.
 */
public final class Access {

    /** Password of every account this helper creates. */
    public static final String PASSWORD = "correct-horse-battery-staple";

    private static final Map<String, String> SESSIONS = new ConcurrentHashMap<>();
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private Access() {}

    /** The bootstrap admin token (TALLY_ADMIN_TOKEN), as the admin API has always taken it. */
    public static RequestSpecification admin() {
        return given().auth().oauth2(TallyServices.ADMIN_TOKEN);
    }

    /** A signed-in leader: every dashboard and report. */
    public static RequestSpecification leader() {
        return session(role(AccessRole.LEADER));
    }

    /** A leader's {@code Cookie} header value, for clients other than REST Assured (benchmarks, browsers). */
    public static String leaderCookieHeader() {
        return SessionCookie.NAME + "=" + role(AccessRole.LEADER);
    }

    /** A leader's session cookie value. */
    public static String leaderCookie() {
        return role(AccessRole.LEADER);
    }

    /** A signed-in admin's session cookie value (for a browser). */
    public static String adminCookie() {
        return role(AccessRole.ADMIN);
    }

    /** A signed-in admin (a person, not the token). */
    public static RequestSpecification adminUser() {
        return session(role(AccessRole.ADMIN));
    }

    /** A signed-in team lead of these teams. */
    public static RequestSpecification teamLead(String... teamIds) {
        String key =
                "team_lead:" + String.join(",", Arrays.stream(teamIds).sorted().toList());
        return session(SESSIONS.computeIfAbsent(key, k -> {
            String email = "lead-" + UUID.randomUUID().toString().substring(0, 8) + "@access.test";
            createUser(email, "Team Lead", AccessRole.TEAM_LEAD, List.of(teamIds));
            return signIn(email, PASSWORD);
        }));
    }

    /** A signed-in employee: the account of the employee with this e-mail (My usage, own keys). */
    public static RequestSpecification employee(String employeeEmail) {
        return session(SESSIONS.computeIfAbsent("employee:" + employeeEmail, k -> {
            Map<String, Object> body =
                    Map.of("email", employeeEmail, "name", "Employee", "role", "employee", "password", PASSWORD);
            // the test may have made the account itself (with this helper's password)
            admin().contentType(ContentType.JSON)
                    .body(body)
                    .post("/api/admin/users")
                    .then()
                    .statusCode(
                            org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(201), org.hamcrest.Matchers.is(409)));
            return signIn(employeeEmail, PASSWORD);
        }));
    }

    /** A scoped API token ({@code tapi_…}) with exactly these scopes. */
    public static RequestSpecification token(Scope... scopes) {
        return given().auth().oauth2(tokenValue(scopes));
    }

    /** The raw value of a cached token with these scopes. */
    public static String tokenValue(Scope... scopes) {
        String key =
                String.join(",", Arrays.stream(scopes).map(Scope::key).sorted().toList());
        return TOKENS.computeIfAbsent(key, k -> newToken(null, scopes).path("token"));
    }

    /** A new token (not cached): {@code expiresAt} may be null. The answer holds {@code id} and {@code token}. */
    public static Response newToken(Instant expiresAt, Scope... scopes) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "test-" + UUID.randomUUID().toString().substring(0, 8));
        body.put("scopes", Arrays.stream(scopes).map(Scope::key).toList());
        if (expiresAt != null) {
            body.put("expiresAt", expiresAt.toString());
        }
        Response r = admin().contentType(ContentType.JSON).body(body).post("/api/admin/tokens");
        r.then().statusCode(201);
        return r;
    }

    /** A request carrying a session cookie. */
    public static RequestSpecification session(String cookie) {
        return given().cookie(SessionCookie.NAME, cookie);
    }

    /** Creates a local account through the admin API; returns its id. */
    public static String createUser(String email, String name, AccessRole role, List<String> teamIds) {
        Map<String, Object> body =
                new HashMap<>(Map.of("email", email, "name", name, "role", role.key(), "password", PASSWORD));
        if (!teamIds.isEmpty()) {
            body.put("teamIds", teamIds);
        }
        return admin().contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/users")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** A new team through the admin API; returns its id. */
    public static String newTeam(String name, String department) {
        return admin().contentType(ContentType.JSON)
                .body(Map.of("name", name, "department", department))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /** A new employee through the admin API; returns their id. */
    public static String newEmployee(String email, String name, String teamId) {
        return admin().contentType(ContentType.JSON)
                .body(Map.of("email", email, "name", name, "teamId", teamId))
                .post("/api/admin/employees")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    /**
     * A page form's guards: a post from nobody signed in goes to the sign-in page, and a signed-in
     * admin's post without the form's CSRF token is refused (400) before it changes anything.
     */
    public static void assertFormGuarded(String path, Map<String, ?> fields) {
        given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParams(fields)
                .post(path)
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login"));
        adminUser()
                .redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParams(fields)
                .post(path)
                .then()
                .statusCode(400);
    }

    /** The item of this name in an admin API list ({@code /api/admin/budgets}), as its own URL shows it. */
    public static JsonPath adminItem(String listPath, String name) {
        JsonPath all = admin().get(listPath).then().statusCode(200).extract().jsonPath();
        Map<String, Object> item = all.getMap("find { it.name == '" + name + "' }");
        if (item == null) {
            throw new AssertionError("no item named " + name + " in " + listPath);
        }
        return admin().get(listPath + "/" + item.get("id"))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /** The newest audit entry of this action ({@code user.password_reset}) on this target. */
    public static Map<String, Object> auditEntry(String action, String targetId) {
        List<Map<String, Object>> log = admin().get("/api/admin/audit?limit=10000")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("$");
        return log.stream()
                .filter(e -> action.equals(e.get("action")) && targetId.equals(e.get("targetId")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no audit entry " + action + " " + targetId));
    }

    /** A session that has ended: 401 on the API, and pages send it to the sign-in page. */
    public static void assertEnded(String session) {
        session(session).get("/api/reports/org").then().statusCode(401).contentType("application/problem+json");
        session(session)
                .redirects()
                .follow(false)
                .get("/")
                .then()
                .statusCode(302)
                .header("Location", endsWith("/login"));
    }

    /**
     * Posts a page's form as a browser does: with the CSRF cookie and token of {@code tokenPage} (any page
     * the caller may open; every signed-in page carries the token in its sign-out form). No redirect followed.
     */
    public static Response postForm(
            Supplier<RequestSpecification> who, String path, Map<String, ?> fields, String tokenPage) {
        Response page = who.get().get(tokenPage);
        page.then().statusCode(200);
        Matcher token =
                Pattern.compile("name=\"csrf-token\" value=\"([^\"]+)\"").matcher(page.asString());
        assertThat(token.find()).as("a CSRF field on " + tokenPage).isTrue();
        return who.get()
                .cookie("tally-csrf", page.getCookie("tally-csrf"))
                .redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParams(fields)
                .formParam("csrf-token", token.group(1))
                .post(path);
    }

    /** Signs in through the form and returns the session cookie's value. */
    public static String signIn(String username, String password) {
        Response r = given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("j_username", username)
                .formParam("j_password", password)
                .post("/j_security_check");
        r.then().statusCode(302);
        String cookie = r.getCookie(SessionCookie.NAME);
        if (cookie == null) {
            throw new AssertionError("sign-in as " + username + " set no session cookie: " + r.getHeader("Location"));
        }
        return cookie;
    }

    private static String role(AccessRole role) {
        return SESSIONS.computeIfAbsent(role.key(), k -> {
            String email = role.key().replace('_', '-') + "-"
                    + UUID.randomUUID().toString().substring(0, 8) + "@access.test";
            createUser(email, "Test " + role.key(), role, List.of());
            return signIn(email, PASSWORD);
        });
    }

    /** The session cookie's name (quarkus.http.auth.form.cookie-name). */
    public static final class SessionCookie {
        public static final String NAME = "tally-session";

        private SessionCookie() {}
    }
}
