package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.dashboard.RollupFixture;
import dev.tally.platform.TallyServices;

/**
 * Single sign-on against a real Keycloak: the authorization code flow in headless Chromium for the
 * pages, the provider's access tokens as bearer tokens on /api, roles and teams from the groups
 * claim (configuration and the admin API), and sign-out at the provider.
 */
@QuarkusTest
@WithTestResource(TallyServices.class)
@WithTestResource(KeycloakServer.class)
class OidcSignInTest {

    @TestHTTPResource("/")
    URL root;

    @Inject
    DataSource dataSource;

    static String payments;
    static String paymentsName;
    static String other;

    @BeforeEach
    void seed() {
        if (payments != null) {
            return;
        }
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        paymentsName = "Payments SSO " + suffix;
        payments = team(paymentsName);
        other = team("Other SSO " + suffix);
        String emma = employee("emma.employee@sso.test", "Emma Employee", payments);
        String olga = employee("olga-" + suffix + "@sso.test", "Olga Other", other);
        // payments-leads is a team_lead group by configuration; its team comes through the admin API
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("role", "team_lead", "teamIds", List.of(payments)))
                .put("/api/admin/group-mappings/payments-leads")
                .then()
                .statusCode(200);
        RollupFixture f = new RollupFixture(dataSource);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        f.usage(today, UUID.fromString(payments), UUID.fromString(emma), "gpt-4o-mini", 2, 10, 10, 0, 1_000, 0);
        f.usage(today, UUID.fromString(other), UUID.fromString(olga), "gpt-4o-mini", 4, 10, 10, 0, 2_000, 0);
    }

    @Test
    void keycloaksEarlyStartKnowsThisClassByName() {
        assertThat(KeycloakEarlyStart.SSO_TEST).isEqualTo(OidcSignInTest.class.getName());
    }

    @Test
    void theCodeFlowSignsATeamLeadInThroughKeycloakAndOutAgain() throws IOException {
        try (Browser b = Browser.start()) {
            WebDriver d = b.driver;
            d.get(root + "teams/" + payments);
            // Keycloak's own sign-in page
            assertThat(d.getCurrentUrl()).startsWith(KeycloakServer.issuer() + "/protocol/openid-connect/auth");
            b.screenshot("sso-keycloak-sign-in.png");
            d.findElement(By.id("username")).sendKeys("tom");
            d.findElement(By.id("password")).sendKeys("tom-password-1");
            LocalSignInBrowserTest.submit(d, By.id("kc-login"));

            // back on the page that asked, signed in with the role and team of the groups claim
            new WebDriverWait(d, Duration.ofSeconds(30), Duration.ofMillis(50))
                    .until(x -> x.getCurrentUrl().startsWith(root.toString()));
            assertThat(d.getCurrentUrl())
                    .contains("/teams/" + payments)
                    .doesNotContain("code=")
                    .doesNotContain("state=");
            assertThat(d.findElement(By.tagName("h1")).getText()).contains(paymentsName);
            assertThat(d.findElement(By.cssSelector(".who-name")).getText()).isEqualTo("Tom Lead");
            assertThat(d.findElement(By.cssSelector(".who-role")).getText()).isEqualTo("team lead");
            assertThat(d.findElement(By.id("employees")).getText()).contains("Emma Employee");
            b.screenshot("sso-team-lead-team-page.png");
            assertThat(d.manage().getCookies()).anySatisfy(c -> {
                assertThat(c.getName()).startsWith("q_session");
                assertThat(c.isHttpOnly()).isTrue();
            });

            d.get(root + "teams/" + other);
            assertThat(d.getPageSource()).contains("not one of your teams");

            d.get(root.toString());
            LocalSignInBrowserTest.submit(d, By.cssSelector("form.sign-out button"));
            new WebDriverWait(d, Duration.ofSeconds(30), Duration.ofMillis(50))
                    .until(x -> x.getCurrentUrl().contains("/signed-out"));
            assertThat(d.findElement(By.tagName("h1")).getText()).contains("signed out");
            // signed out at Keycloak too: the next page asks for the password again
            d.get(root + "teams/" + payments);
            assertThat(d.getCurrentUrl()).startsWith(KeycloakServer.issuer() + "/protocol/openid-connect/auth");
            assertThat(d.findElements(By.id("password"))).isNotEmpty();
        }
    }

    @Test
    void theProvidersAccessTokensAreBearerTokensScopedByGroup() {
        String lena = accessToken("lena", "lena-password-1");
        given().auth().oauth2(lena).get("/api/reports/org").then().statusCode(200);
        given().auth().oauth2(lena).get("/api/reports/teams/" + other).then().statusCode(200);
        given().auth().oauth2(lena).get("/api/admin/keys").then().statusCode(403);

        String tom = accessToken("tom", "tom-password-1");
        given().auth().oauth2(tom).get("/api/reports/teams/" + payments).then().statusCode(200);
        given().auth().oauth2(tom).get("/api/reports/teams/" + other).then().statusCode(403);
        given().auth()
                .oauth2(tom)
                .get("/api/reports/teams/" + other + "?format=csv&table=employees")
                .then()
                .statusCode(403);

        String emma = accessToken("emma", "emma-password-1");
        given().auth().oauth2(emma).get("/api/reports/org").then().statusCode(403);
        given().auth()
                .oauth2(emma)
                .get("/api/me")
                .then()
                .statusCode(200)
                .body("email", org.hamcrest.Matchers.equalTo("emma.employee@sso.test"));
        String key = given().auth()
                .oauth2(emma)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "sso laptop"))
                .post("/api/me/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key");
        assertThat(key).startsWith("tly_");

        given().auth().oauth2(lena + "tampered").get("/api/reports/org").then().statusCode(401);
    }

    @Test
    void aProviderGroupNamedLikeATallyScopeGrantsNothing() {
        // "admin" is a group at the provider (another application's), mapped to no Tally role: Ada is
        // an employee, whatever the provider's role names are
        String ada = accessToken("ada", "ada-password-1");
        given().auth().oauth2(ada).get("/api/me").then().statusCode(200);
        given().auth().oauth2(ada).get("/api/admin/users").then().statusCode(403);
        given().auth().oauth2(ada).get("/api/admin/audit").then().statusCode(403);
        given().auth().oauth2(ada).get("/api/reports/org").then().statusCode(403);
    }

    @Test
    void anEmailTheProviderHasNotVerifiedIsNobodysEmployeeRecord() {
        // Ivy's record (her usage, her keys) has no account at the provider; Eve put Ivy's address on her
        // own account there, which the provider marks unverified
        String ivy = employee("ivy.former@sso.test", "Ivy Former", payments);
        String eve = accessToken("eve", "eve-password-1");
        given().auth()
                .oauth2(eve)
                .get("/api/me")
                .then()
                .statusCode(200)
                .body("employeeId", org.hamcrest.Matchers.nullValue());
        given().auth().oauth2(eve).get("/api/me/keys").then().statusCode(403);
        given().auth()
                .oauth2(eve)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "not mine"))
                .post("/api/me/keys")
                .then()
                .statusCode(403);
        Access.admin()
                .get("/api/admin/keys")
                .then()
                .statusCode(200)
                .body("findAll { it.employeeId == '" + ivy + "' }", org.hamcrest.Matchers.empty());
    }

    @Test
    void localAccountsAreOffOnceSingleSignOnIsConfigured() {
        String email = "local-" + UUID.randomUUID().toString().substring(0, 8) + "@sso.test";
        Access.createUser(email, "Local Account", AccessRole.LEADER, List.of());
        given().redirects()
                .follow(false)
                .contentType(ContentType.URLENC)
                .formParam("j_username", email)
                .formParam("j_password", Access.PASSWORD)
                .post("/j_security_check")
                .then()
                .statusCode(302)
                .header("Location", org.hamcrest.Matchers.endsWith("/login?error=credentials"));
        given().redirects().follow(false).get("/login").then().statusCode(303);
        // the bootstrap admin token still works: it is how the first admin sets SSO up
        Access.admin().get("/api/admin/group-mappings").then().statusCode(200);
    }

    private static String accessToken(String user, String password) {
        return given().contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("client_id", KeycloakServer.CLIENT_ID)
                .formParam("client_secret", KeycloakServer.CLIENT_SECRET)
                .formParam("username", user)
                .formParam("password", password)
                .formParam("scope", "openid email profile")
                .post(KeycloakServer.issuer() + "/protocol/openid-connect/token")
                .then()
                .statusCode(200)
                .extract()
                .path("access_token");
    }

    private static String team(String name) {
        return Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", name, "department", "SSO"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    private static String employee(String email, String name, String teamId) {
        var r = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("email", email, "name", name, "teamId", teamId))
                .post("/api/admin/employees");
        if (r.statusCode() == 409) {
            return Access.admin()
                    .get("/api/admin/employees")
                    .then()
                    .extract()
                    .jsonPath()
                    .getString("find { it.email == '" + email + "' }.id");
        }
        return r.then().statusCode(201).extract().path("id");
    }
}
