package dev.tally.platform;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import java.net.URL;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.Access;

/** Health, metrics, OpenAPI and Swagger UI: on the management interface, and nowhere on the public port. */
@QuarkusTest
@WithTestResource(TestStack.class)
class HealthTest {

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/openapi", management = true)
    URL openapi;

    @TestHTTPResource(value = "/swagger-ui/", management = true)
    URL swaggerUi;

    @TestHTTPResource("/")
    URL publicRoot;

    @Test
    void readinessListsKafkaAndTheDatabaseAsUp() {
        given().when()
                .get(ready)
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka", "Database connections health check"));
    }

    @Test
    void metricsOpenApiAndSwaggerUiAreServedOnTheManagementPort() {
        assertThat(metrics.getPort()).isNotEqualTo(publicRoot.getPort());
        assertThat(given().get(metrics).then().statusCode(200).extract().asString())
                .contains("jvm_memory_used_bytes");
        assertThat(given().get(openapi).then().statusCode(200).extract().asString())
                .contains("/api/reports/org");
        given().get(swaggerUi).then().statusCode(200);
    }

    @Test
    void theManagementInterfaceListensOnLoopbackByDefault() {
        assertThat(ConfigProvider.getConfig().getValue("quarkus.management.host", String.class))
                .isEqualTo("127.0.0.1");
    }

    @Test
    void metricsAreNotServedOnThePublicPort() {
        // not to an anonymous caller (the old leak: spend per team for anyone who reaches the port):
        // like every page, it sends the browser to sign in ...
        given().redirects()
                .follow(false)
                .get("/q/metrics")
                .then()
                .statusCode(302)
                .header("Location", org.hamcrest.Matchers.endsWith("/login"));
        // ... and not even with the admin token: the path does not exist on the public port
        Access.admin().get("/q/metrics").then().statusCode(404);
        Access.admin().get("/q/health/ready").then().statusCode(404);
        Access.admin().get("/q/openapi").then().statusCode(404);
    }

    @Test
    void adminApiRefusesAMissingToken() {
        given().when().get("/api/admin/teams").then().statusCode(401).contentType("application/problem+json");
    }
}
