package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.platform.TestStack;

/**
 * Self-service in a real headless Chromium: an employee signs in, creates a gateway key on My
 * usage, calls the gateway with it (a fake OpenAI upstream), sees the call there, and revokes the key.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class SelfServiceBrowserTest {

    @TestHTTPResource("/")
    URL root;

    @Test
    void anEmployeeCreatesAKeyCallsTheGatewayAndSeesTheCallOnMyUsage() throws IOException {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String team = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Self " + suffix, "department", "Eng"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String email = "self-" + suffix + "@self.test";
        Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("email", email, "name", "Sam Self", "teamId", team))
                .post("/api/admin/employees")
                .then()
                .statusCode(201);
        Access.createUser(email, "Sam Self", AccessRole.EMPLOYEE, List.of());

        try (Browser b = Browser.start()) {
            WebDriver d = b.driver;
            d.get(root.toString());
            assertThat(d.getCurrentUrl()).endsWith("/login");
            d.findElement(By.id("username")).sendKeys(email);
            d.findElement(By.id("password")).sendKeys(Access.PASSWORD);
            LocalSignInBrowserTest.submit(d, By.id("sign-in"));
            // an employee has no dashboards: they land on their own usage
            assertThat(d.getCurrentUrl()).endsWith("/me");
            assertThat(d.findElement(By.tagName("h1")).getText())
                    .contains("My usage")
                    .contains("Sam Self");
            assertThat(d.findElement(By.id("keys")).getText()).contains("No keys yet");

            d.findElement(By.id("key-name")).sendKeys("laptop");
            LocalSignInBrowserTest.submit(d, By.id("create-key"));
            String key = d.findElement(By.id("new-key-value")).getText().trim();
            assertThat(key).startsWith("tly_");
            b.screenshot("my-usage-new-key.png");

            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> given().header("Authorization", "Bearer " + key)
                                    .get("/v1/models")
                                    .statusCode()
                            == 200);
            given().header("Authorization", "Bearer " + key)
                    .contentType(ContentType.JSON)
                    .body("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                    .post("/v1/chat/completions")
                    .then()
                    .statusCode(200);

            // the call reaches the rollups through Kafka and the aggregator, then the page
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        d.get(root + "me");
                        return d.findElement(By.id("my-calls")).getText().equals("1");
                    });
            assertThat(d.findElement(By.id("by-model")).getText()).contains("gpt-4o-mini");
            assertThat(d.findElement(By.id("my-spend")).getText())
                    .startsWith("<$0.01")
                    .doesNotContain("unpriced");
            String row = d.findElement(By.cssSelector("#keys tbody tr")).getText();
            assertThat(row)
                    .contains("laptop")
                    .contains(key.substring(0, 12))
                    .doesNotContain(key)
                    .doesNotContain("never");
            b.screenshot("my-usage.png");

            LocalSignInBrowserTest.submit(d, By.cssSelector("#keys form.inline button"));
            assertThat(d.findElement(By.id("message")).getText()).contains("Key revoked");
            assertThat(d.findElement(By.cssSelector("#keys tbody tr")).getText())
                    .contains("revoked");
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> given().header("Authorization", "Bearer " + key)
                                    .get("/v1/models")
                                    .statusCode()
                            == 401);
        }
        // nobody else's key can be revoked through self-service
        String other = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("email", "other-" + suffix + "@self.test", "name", "Other", "teamId", team))
                .post("/api/admin/employees")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        String otherKey = Access.admin()
                .contentType(ContentType.JSON)
                .body(Map.of("employeeId", other))
                .post("/api/admin/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        Access.employee(email).delete("/api/me/keys/" + otherKey).then().statusCode(404);
        Access.admin()
                .get("/api/admin/keys/" + otherKey)
                .then()
                .body("status", org.hamcrest.Matchers.equalTo("active"));
    }
}
