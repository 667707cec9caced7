package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import dev.tally.access.Access;

/** Every id a URL carries, in its path or its query, answers a malformed value with a 400 naming it. */
@QuarkusTest
@WithTestResource(TestStack.class)
class IdParamsTest {

    static Stream<Arguments> malformedIds() {
        return Stream.of(
                Arguments.of("leader", "/api/reports/teams/not-a-uuid", "id"),
                Arguments.of("leader", "/api/reports/refusals?teamId=not-a-uuid", "teamId"),
                Arguments.of("leader", "/api/reports/reviewers?teamId=not-a-uuid", "teamId"),
                Arguments.of("leader", "/api/reports/workloads?teamId=not-a-uuid", "teamId"),
                Arguments.of("leader", "/charts/team/spend-by-model.png?team=not-a-uuid", "team"),
                Arguments.of("leader", "/charts/delivery/trend.svg?team=not-a-uuid", "team"),
                Arguments.of("admin", "/api/admin/employees?teamId=not-a-uuid", "teamId"),
                Arguments.of("admin", "/api/admin/keys?employeeId=not-a-uuid", "employeeId"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("malformedIds")
    void aMalformedIdIsA400NamingItsParameter(String who, String url, String param) {
        caller(who).get(url).then().statusCode(400).body("detail", equalTo(param + ": not an id (UUID): 'not-a-uuid'"));
    }

    @Test
    void aTeamPageWithAMalformedIdIsA400() {
        String page = Access.leader()
                .accept("text/html")
                .get("/teams/not-a-uuid")
                .then()
                .statusCode(400)
                .extract()
                .asString();
        assertThat(page).contains("id: not an id (UUID)");
    }

    @Test
    void aLongMalformedIdIsEchoedClipped() {
        String junk = "x".repeat(1_000);
        String detail = Access.leader()
                .accept("application/json")
                .get("/api/reports/refusals?teamId=" + junk)
                .then()
                .statusCode(400)
                .extract()
                .path("detail");
        assertThat(detail).isEqualTo("teamId: not an id (UUID): '" + "x".repeat(Ids.ECHOED) + "…'");
    }

    @Test
    void aShortenedSpellingOfAnIdIsA400() {
        // UUID.fromString would read it as 00000001-0001-0001-0001-000000000001
        Access.leader()
                .accept("application/json")
                .get("/api/reports/refusals?teamId=1-1-1-1-1")
                .then()
                .statusCode(400)
                .body("detail", equalTo("teamId: not an id (UUID): '1-1-1-1-1'"));
    }

    @Test
    void aPaddedIdIsReadAndABlankOneIsAbsent() {
        Access.leader()
                .queryParam("teamId", " " + UUID.randomUUID() + " ")
                .get("/api/reports/refusals")
                .then()
                .statusCode(200);
        Access.leader()
                .queryParam("teamId", " ")
                .get("/api/reports/refusals")
                .then()
                .statusCode(200);
    }

    private static RequestSpecification caller(String who) {
        return "admin".equals(who) ? Access.admin() : Access.leader();
    }
}
