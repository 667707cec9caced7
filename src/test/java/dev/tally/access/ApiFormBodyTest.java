package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.gateway.Admin;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * Form bodies on the API. The pages' forms carry a CSRF token (quarkus-rest-csrf); no API endpoint
 * takes a form, so a form body sent there is refused with a 415 naming what the path takes, before the
 * CSRF filter could read it and answer a bare 400. A bodiless POST labelled as a form (REST Assured's
 * and some clients' default) is no form and goes through.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ApiFormBodyTest {

    @Test
    void aFormBodyOnAnAdminEndpointIsA415NamingJson() {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.URLENC)
                .formParams(Map.of("scope", "org", "period", "month", "amountUsd", "10"))
                .post("/api/admin/budgets")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("Content-Type application/x-www-form-urlencoded is not accepted here: send "
                                + "application/json"));
    }

    @Test
    void aMultipartBodyIsRefusedTheSameWay() {
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .multiPart("file", "x.csv", "a,b\n".getBytes())
                .post("/api/outcomes/import")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo("Content-Type multipart/form-data is not accepted here: send text/csv or "
                                + "application/csv or text/plain"));
    }

    @Test
    void theCredentialIsCheckedFirst() {
        given().contentType(ContentType.URLENC)
                .body("a=b")
                .post("/api/admin/budgets")
                .then()
                .statusCode(401);
    }

    @Test
    void aBodilessPostLabelledAsAFormGoesThrough() {
        Admin.Key key = Admin.newKey();
        // no body: REST Assured labels it application/x-www-form-urlencoded with Content-Length 0
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .post("/api/admin/keys/" + key.keyId() + "/resume")
                .then()
                .statusCode(204);
    }
}
