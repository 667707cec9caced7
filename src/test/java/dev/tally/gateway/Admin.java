package dev.tally.gateway;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.hamcrest.Matchers;

import io.restassured.http.ContentType;

import dev.tally.platform.TallyServices;

/** Creates teams, employees and keys through the real admin API, over HTTP. */
public final class Admin {

    public record Key(String teamId, String employeeId, String keyId, String key) {}

    private Admin() {}

    /** A key for a new person in a new team. */
    public static Key newKey(Map<String, Object> keyOptions) {
        return newKey("Engineering", keyOptions);
    }

    /** A key for a new person in a new team of this department. */
    public static Key newKeyInDepartment(String department) {
        return newKey(department, Map.of());
    }

    private static Key newKey(String department, Map<String, Object> keyOptions) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String teamId = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "gw-team-" + suffix, "department", department))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String employeeId = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("email", "gw-" + suffix + "@example.com", "name", "Gateway Tester", "teamId", teamId))
                .post("/api/admin/employees")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return anotherKey(teamId, employeeId, keyOptions);
    }

    /** One more key for the same person. */
    public static Key anotherKey(Key of, Map<String, Object> keyOptions) {
        return anotherKey(of.teamId(), of.employeeId(), keyOptions);
    }

    private static Key anotherKey(String teamId, String employeeId, Map<String, Object> keyOptions) {
        Map<String, Object> body = new HashMap<>(keyOptions);
        body.put("employeeId", employeeId);
        var created = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/keys")
                .then()
                .statusCode(201)
                .extract();
        Key key = new Key(teamId, employeeId, created.path("id"), created.path("key"));
        // the gateway's key cache may learn about a new key a moment later
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> given().header("Authorization", "Bearer " + key.key())
                                .get("/v1/models")
                                .statusCode()
                        == 200);
        return key;
    }

    /** A webhook alert channel (budgets refuse channel ids that do not exist); returns its id. */
    public static String newChannel() {
        return newChannel(Map.of("url", "http://127.0.0.1:9/hook"));
    }

    /** A webhook alert channel to {@code url}, its deliveries signed with {@code secret}; returns its id. */
    public static String newChannel(String url, String secret) {
        return newChannel(Map.of("url", url, "secret", secret));
    }

    private static String newChannel(Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(fields);
        body.put("type", "webhook");
        body.put("name", "budget test " + UUID.randomUUID());
        return given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    public static Key newKey() {
        return newKey(Map.of());
    }

    public static Key newKeyForModels(List<String> models) {
        return newKey(Map.of("allowedModels", models));
    }

    /** When the key was revoked, as the admin API lists it. */
    public static Instant revokedAt(String keyId) {
        return Instant.parse(given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .get("/api/admin/keys/" + keyId)
                .then()
                .statusCode(200)
                .extract()
                .path("revokedAt"));
    }

    /** Revokes the key and waits until the gateway refuses it. */
    public static void revokeAndWait(Key key) {
        revoke(key.keyId());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> given().header("Authorization", "Bearer " + key.key())
                                .get("/v1/models")
                                .statusCode()
                        == 401);
    }

    public static void revoke(String keyId) {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/keys/" + keyId)
                .then()
                .statusCode(Matchers.either(Matchers.is(204)).or(Matchers.is(200)));
    }
}
