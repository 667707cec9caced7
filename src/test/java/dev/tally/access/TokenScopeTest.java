package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.platform.TestStack;

/**
 * Scoped API tokens: what each scope opens, that revoked and expired tokens get 401, that a token is
 * stored only as a hash and shows its prefix and last use.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class TokenScopeTest {

    @Inject
    DataSource dataSource;

    @Inject
    MovableClock clock;

    @Inject
    LastUse lastUse;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    @Test
    void anOutcomesTokenUploadsButCannotReadReportsOrMintKeys() throws Exception {
        String token = Access.newToken(null, Scope.OUTCOMES_WRITE).path("token");
        assertThat(token).startsWith("tapi_").doesNotStartWith("tly_");

        String id = "test:scope:" + UUID.randomUUID();
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "id",
                        id,
                        "kind",
                        "bug_caught",
                        "teamId",
                        "00000000-0000-0000-0000-000000000000",
                        "occurredAt",
                        "2026-11-04T12:00:00Z",
                        "aiAssisted",
                        true,
                        "source",
                        "ci"))
                .post("/api/outcomes")
                .then()
                .statusCode(202);
        byte[] sarif = Files.readAllBytes(Path.of("src/test/resources/sarif/ai-review.sarif.json"));
        given().auth()
                .oauth2(token)
                .contentType("application/sarif+json")
                .body(sarif)
                .post("/api/outcomes/sarif?repo=acme/scope-test")
                .then()
                .statusCode(200);

        given().auth()
                .oauth2(token)
                .get("/api/reports/org")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(token).get("/api/reports/teams").then().statusCode(403);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("employeeId", UUID.randomUUID().toString()))
                .post("/api/admin/keys")
                .then()
                .statusCode(403);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "escalate", "scopes", List.of("admin")))
                .post("/api/admin/tokens")
                .then()
                .statusCode(403);
    }

    @Test
    void aReportsTokenReadsTheOrgAndIsRefusedOnTheAdminApi() {
        String token = Access.newToken(null, Scope.REPORTS_READ).path("token");
        given().auth().oauth2(token).get("/api/reports/org").then().statusCode(200);
        given().auth()
                .oauth2(token)
                .get("/api/reports/org?format=csv&table=teams")
                .then()
                .statusCode(200)
                .contentType(containsString("text/csv"));
        given().auth().oauth2(token).get("/api/admin/keys").then().statusCode(403);
        given().auth()
                .oauth2(token)
                .contentType(ContentType.JSON)
                .body("{}")
                .post("/api/outcomes")
                .then()
                .statusCode(403);
    }

    @Test
    void anAdminTokenCanDoWhatTheBootstrapTokenDoes() {
        String token = Access.newToken(null, Scope.ADMIN).path("token");
        given().auth().oauth2(token).get("/api/admin/keys").then().statusCode(200);
        given().auth().oauth2(token).get("/api/reports/org").then().statusCode(200);
    }

    @Test
    void aRevokedTokenGets401AtOnce() {
        Response created = Access.newToken(null, Scope.REPORTS_READ);
        String token = created.path("token");
        given().auth().oauth2(token).get("/api/reports/org").then().statusCode(200);
        Access.admin().delete("/api/admin/tokens/" + created.path("id")).then().statusCode(204);
        given().auth()
                .oauth2(token)
                .get("/api/reports/org")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("detail", containsString("revoked"));
        Access.admin()
                .get("/api/admin/tokens/" + created.path("id"))
                .then()
                .statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("revoked"));
    }

    @Test
    void anExpiredTokenGets401() {
        Response created = Access.newToken(clock.instant().plus(Duration.ofHours(1)), Scope.REPORTS_READ);
        String token = created.path("token");
        given().auth().oauth2(token).get("/api/reports/org").then().statusCode(200);
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        given().auth()
                .oauth2(token)
                .get("/api/reports/org")
                .then()
                .statusCode(401)
                .body("detail", containsString("expired"));
        Access.admin()
                .get("/api/admin/tokens/" + created.path("id"))
                .then()
                .body("status", org.hamcrest.Matchers.equalTo("expired"));
    }

    @Test
    void anUnknownTokenWithOurPrefixGets401() {
        given().auth()
                .oauth2("tapi_" + "x".repeat(40))
                .get("/api/reports/org")
                .then()
                .statusCode(401)
                .body("detail", containsString("unknown"));
        given().auth().oauth2("not-a-token").get("/api/reports/org").then().statusCode(401);
    }

    @Test
    void aTokenIsStoredHashedAndListedWithItsPrefixAndLastUse() throws Exception {
        Response created = Access.newToken(null, Scope.REPORTS_READ);
        String token = created.path("token");
        String id = created.path("id");
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT token_hash, prefix FROM api_token WHERE id = ?::uuid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).hasSize(64).doesNotContain(token.substring(5));
                assertThat(token).startsWith(rs.getString(2));
            }
        }
        Access.admin()
                .get("/api/admin/tokens/" + id)
                .then()
                .body("lastUsedAt", org.hamcrest.Matchers.nullValue())
                .body("prefix", org.hamcrest.Matchers.equalTo(token.substring(0, 13)));
        given().auth().oauth2(token).get("/api/reports/org").then().statusCode(200);
        lastUse.flush(); // what the scheduled batch does every tally.access.last-use-flush-interval
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT last_used_at FROM api_token WHERE id = ?::uuid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getTimestamp(1)).isNotNull();
            }
        }
        String listed = Access.admin()
                .get("/api/admin/tokens")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(listed).contains(id).doesNotContain(token);
        assertThat(new String(listed.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .contains("lastUsedAt");
    }

    @Test
    void badTokenRequestsAreRefusedWithTheField() {
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "x", "scopes", List.of("everything")))
                .post("/api/admin/tokens")
                .then()
                .statusCode(400);
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "x", "scopes", List.of()))
                .post("/api/admin/tokens")
                .then()
                .statusCode(400)
                .body("detail", containsString("scopes"));
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "x", "scopes", List.of("reports:read"), "expiresAt", "2001-01-01T00:00:00Z"))
                .post("/api/admin/tokens")
                .then()
                .statusCode(400)
                .body("detail", containsString("expiresAt"));
    }
}
