package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tally.access.Access;
import dev.tally.platform.TestStack;

/**
 * Every report that offers a CSV takes {@code format} the same way: none or {@code json} is JSON,
 * {@code csv} a CSV attachment, anything else a 400 naming the parameter (not JSON in its place).
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ReportFormatsTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/reports/org?table=teams",
                "/api/reports/refusals",
                "/api/reports/reviewers",
                "/api/reports/workloads",
                "/api/reports/budgets",
                "/api/admin/audit"
            })
    void anUnknownFormatIsA400AndCsvIsAnAttachment(String url) {
        String sep = url.contains("?") ? "&" : "?";
        caller(url)
                .get(url + sep + "format=xlsx")
                .then()
                .statusCode(400)
                .body("detail", equalTo("format: 'xlsx' is not json or csv"));
        caller(url).get(url + sep + "format=CSV").then().statusCode(400);

        Response csv = caller(url).get(url + sep + "format=csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        assertThat(csv.header("Content-Disposition")).matches("attachment; filename=\"[A-Za-z0-9._-]+\\.csv\"");
        assertThat(csv.asString()).contains("\r\n");

        Response json = caller(url).get(url + sep + "format=json");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.contentType()).startsWith("application/json");
    }

    private static RequestSpecification caller(String url) {
        return url.startsWith("/api/admin") ? Access.admin() : Access.leader();
    }
}
