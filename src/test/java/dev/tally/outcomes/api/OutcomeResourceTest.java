package dev.tally.outcomes.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.identity.Employee;
import dev.tally.identity.Team;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class OutcomeResourceTest {

    @Inject
    DataSource dataSource;

    UUID team;
    UUID employee;
    String email;
    String login;

    @BeforeEach
    void createTeamAndEmployee() {
        team = UUID.randomUUID();
        employee = UUID.randomUUID();
        email = "dev-" + employee + "@example.com";
        login = "gh-" + employee.toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> {
            Team t = new Team();
            t.id = team;
            t.name = "outcomes-" + team;
            t.department = "Engineering";
            t.persist();
            Employee e = new Employee();
            e.id = employee;
            e.email = email;
            e.name = "Dev";
            e.teamId = team;
            e.githubLogin = login;
            e.persist();
        });
    }

    private long scalar(String sql, Object... args) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private void awaitStored(String id) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> scalar("SELECT count(*) FROM outcome WHERE id = ?", id) == 1);
    }

    private static String outcome(String id, String teamField) {
        return """
                {"id":"%s","kind":"pr_merged",%s"aiAssisted":true,"attribution":["co-authored-by"],
                 "source":"api-test","ref":"acme/app#1","occurredAt":"2026-11-04T12:00:00Z","valueHours":1.5}""".formatted(id, teamField);
    }

    @Test
    void oneOutcomeIsAcceptedPublishedAndCounted() throws Exception {
        String id = "test:pr:" + UUID.randomUUID();
        api().contentType(ContentType.JSON)
                .body(outcome(id, "\"teamId\":\"" + team + "\","))
                .post("/api/outcomes")
                .then()
                .statusCode(202)
                .body("accepted", contains(id));
        awaitStored(id);
        assertThat(scalar(
                        "SELECT outcomes FROM outcome_team_day WHERE team_id = ? AND kind = 'pr_merged' AND ai_assisted"
                                + " AND day = DATE '2026-11-04'",
                        team))
                .isEqualTo(1);
        assertThat(scalar("SELECT (value_hours * 1000)::bigint FROM outcome WHERE id = ?", id))
                .isEqualTo(1500);
    }

    @Test
    void aBatchIsAcceptedAndARepeatedIdIsCountedOnce() throws Exception {
        String a = "test:a:" + UUID.randomUUID();
        String b = "test:b:" + UUID.randomUUID();
        String batch = "[" + outcome(a, "\"employeeEmail\":\"" + email.toUpperCase() + "\",") + ","
                + outcome(b, "\"githubLogin\":\"" + login + "\",") + "]";
        api().contentType(ContentType.JSON)
                .body(batch)
                .post("/api/outcomes")
                .then()
                .statusCode(202)
                .body("accepted", contains(a, b));
        // idempotent: the same batch again is accepted and not counted again
        api().contentType(ContentType.JSON)
                .body(batch)
                .post("/api/outcomes")
                .then()
                .statusCode(202)
                .body("accepted", contains(a, b));
        awaitStored(a);
        awaitStored(b);
        String marker = "test:marker:" + UUID.randomUUID();
        api().contentType(ContentType.JSON)
                .body(outcome(marker, "\"teamId\":\"" + team + "\","))
                .post("/api/outcomes")
                .then()
                .statusCode(202);
        awaitStored(marker);
        assertThat(scalar("SELECT sum(outcomes) FROM outcome_team_day WHERE team_id = ?", team))
                .isEqualTo(3);
        assertThat(scalar(
                        "SELECT count(*) FROM outcome WHERE id = ? AND team_id = ? AND employee_id = ?",
                        a,
                        team,
                        employee))
                .as("resolved by e-mail, case-insensitive")
                .isEqualTo(1);
        assertThat(scalar("SELECT count(*) FROM outcome WHERE id = ? AND employee_id = ?", b, employee))
                .as("resolved by GitHub login")
                .isEqualTo(1);
    }

    @Test
    void anUnmappedEmailLandsOnTheUnassignedTeam() throws Exception {
        String id = "test:unmapped:" + UUID.randomUUID();
        api().contentType(ContentType.JSON)
                .body(outcome(id, "\"employeeEmail\":\"nobody-" + UUID.randomUUID() + "@example.com\","))
                .post("/api/outcomes")
                .then()
                .statusCode(202);
        awaitStored(id);
        assertThat(scalar(
                        "SELECT count(*) FROM outcome WHERE id = ? AND team_id = ? AND employee_id IS NULL",
                        id,
                        Team.UNASSIGNED))
                .isEqualTo(1);
    }

    @Test
    void cloudEventsAreAcceptedSingleAndBatch() throws Exception {
        String id = "test:ce:" + UUID.randomUUID();
        String ce = """
                {"specversion":"1.0","id":"%s","source":"/ci/scanner","type":"dev.tally.outcome.v1",
                 "data":{"kind":"security_finding","teamId":"%s","occurredAt":"2026-11-05T08:00:00+01:00",
                         "severity":"high","aiAssisted":false}}""".formatted(id, team);
        api().contentType("application/cloudevents+json")
                .body(ce)
                .post("/api/outcomes")
                .then()
                .statusCode(202)
                .body("accepted", contains(id));
        String id2 = "test:ce2:" + UUID.randomUUID();
        api().contentType("application/cloudevents-batch+json")
                .body("[" + ce.replace(id, id2) + "]")
                .post("/api/outcomes")
                .then()
                .statusCode(202)
                .body("accepted", contains(id2));
        awaitStored(id);
        awaitStored(id2);
        assertThat(scalar(
                        "SELECT sum(outcomes) FROM outcome_team_day WHERE team_id = ? AND kind = 'security_finding'"
                                + " AND NOT ai_assisted AND day = DATE '2026-11-05'",
                        team))
                .isEqualTo(2);
    }

    @Test
    void invalidOutcomesAreRefusedWithTheFieldNamed() {
        String good = outcome("test:x:" + UUID.randomUUID(), "\"teamId\":\"" + team + "\",");
        problem(good.replace("\"pr_merged\"", "\"pr_merge\""), "kind: unknown kind 'pr_merge'");
        problem(good.replace("\"occurredAt\":\"2026-11-04T12:00:00Z\",", ""), "occurredAt: required");
        problem(good.replace("2026-11-04T12:00:00Z", "yesterday"), "occurredAt: not an ISO-8601");
        problem(good.replace("\"aiAssisted\":true", "\"aiAssisted\":\"yes\""), "aiAssisted: must be true or false");
        problem(good.replace("1.5", "-1"), "valueHours:");
        // a number too large for a double (was a 500) or for the column is refused, never expanded
        problem(good.replace("1.5", "1e999999999"), "valueHours: must be between 0 and");
        problem(good.replace("1.5", "1e300"), "valueHours: must be between 0 and");
        problem(good.replace(team.toString(), "not-a-uuid"), "teamId: not a UUID");
        problem(good.replace(team.toString(), "1-1-1-1-1"), "teamId: not a UUID");
        problem(good.replace(team.toString(), UUID.randomUUID().toString()), "teamId: no team");
        problem(good.replace("\"id\":\"test", "\"idx\":\"test"), "id: required");
        problem("[" + good + "," + good.replace("\"pr_merged\"", "42") + "]", "[1].kind: must be a string");
        problem(
                "{\"specversion\":\"1.0\",\"id\":\"c\",\"source\":\"/s\",\"type\":\"dev.tally.usage.v1\",\"data\":{}}",
                "type: must be \"dev.tally.outcome.v1\"");
        problem("\"just a string\"", "body:");
        api().contentType(ContentType.JSON)
                .body("{not json")
                .post("/api/outcomes")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void aMisspeltFieldIsRefusedNamingItAndNothingIsPublished() throws Exception {
        String id = "test:typo:" + UUID.randomUUID();
        String good = outcome(id, "\"teamId\":\"" + team + "\",");
        // "valueHours" misspelt: the outcome would have been counted without the hours it saved
        String typo = good.replace("\"valueHours\"", "\"valueHour\"");
        problem(
                typo,
                "valueHour: unknown field; expected one of aiAssisted, attribution, employeeEmail, employeeId,"
                        + " githubLogin, id, kind, occurredAt, ref, severity, source, teamId, valueHours, workload");
        problem(
                "[" + outcome("test:typo-ok:" + UUID.randomUUID(), "\"teamId\":\"" + team + "\",") + "," + typo + "]",
                "[1].valueHour: unknown field;");
        String ce = """
                {"specversion":"1.0","id":"%s","source":"/ci/scanner","type":"dev.tally.outcome.v1",%s
                 "data":{"kind":"security_finding","teamId":"%s","occurredAt":"2026-11-05T08:00:00Z",%s"aiAssisted":false}}""";
        problem(ce.formatted(id, "", team, "\"severty\":\"high\","), "data.severty: unknown field;");
        // an attribute beside the CloudEvent's own is an extension attribute, which CloudEvents allows
        String extended = "test:typo-ce:" + UUID.randomUUID();
        api().contentType("application/cloudevents+json")
                .body(ce.formatted(
                        extended,
                        "\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\",",
                        team,
                        "\"severity\":\"high\","))
                .post("/api/outcomes")
                .then()
                .statusCode(202)
                .body("accepted", contains(extended));
        awaitStored(extended);
        assertThat(scalar("SELECT count(*) FROM outcome WHERE id = ?", id)).isZero();
    }

    @Test
    void aWrongContentTypeIsA415NamingTheAcceptedTypes() {
        api().contentType("text/csv")
                .body("id,kind\nx,pr_merged\n")
                .post("/api/outcomes")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        equalTo(
                                "Content-Type text/csv is not accepted here: send "
                                        + "application/json or application/cloudevents+json or application/cloudevents-batch+json"));
    }

    @Test
    void aRejectedBatchPublishesNothing() throws Exception {
        String valid = "test:valid:" + UUID.randomUUID();
        String batch = "[" + outcome(valid, "\"teamId\":\"" + team + "\",") + ","
                + outcome("test:bad:" + UUID.randomUUID(), "\"teamId\":\"" + team + "\",")
                        .replace("pr_merged", "nope")
                + "]";
        api().contentType(ContentType.JSON)
                .body(batch)
                .post("/api/outcomes")
                .then()
                .statusCode(400)
                .body("detail", startsWith("[1].kind"));
        String marker = "test:after:" + UUID.randomUUID();
        api().contentType(ContentType.JSON)
                .body(outcome(marker, "\"teamId\":\"" + team + "\","))
                .post("/api/outcomes")
                .then()
                .statusCode(202);
        awaitStored(marker);
        assertThat(scalar("SELECT count(*) FROM outcome WHERE id = ?", valid)).isZero();
    }

    private static io.restassured.specification.RequestSpecification api() {
        return given().header("Authorization", "Bearer " + TallyServices.ADMIN_TOKEN);
    }

    @Test
    void anOutcomeNamingAWorkloadIsStoredAndCountedForThatWorkload() throws Exception {
        String workload = "review-" + employee.toString().substring(0, 8);
        String id = "test:wl:" + UUID.randomUUID();
        api().contentType(ContentType.JSON)
                .body("""
                {"id":"%s","kind":"bug_caught","teamId":"%s","aiAssisted":true,"attribution":["ai-reviewer:bot"],
                 "source":"api-test","ref":"acme/app#7","occurredAt":"2026-11-04T12:00:00Z","workload":"%s"}""".formatted(id, team, workload))
                .post("/api/outcomes")
                .then()
                .statusCode(202)
                .body("accepted", contains(id));
        awaitStored(id);
        assertThat(scalar("SELECT count(*) FROM outcome WHERE id = ? AND workload = ?", id, workload))
                .isEqualTo(1);
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> scalar(
                                "SELECT coalesce(sum(outcomes), 0) FROM"
                                        + " outcome_workload_day WHERE team_id = ? AND workload = ? AND kind = 'bug_caught'",
                                team,
                                workload)
                        == 1);
        // the workloads report counts it as the workload's bug caught
        api().get("/api/reports/workloads/" + workload + "?from=2026-11-01&to=2026-11-30")
                .then()
                .statusCode(200)
                .body("workload.bugsCaught", equalTo(1))
                .body("workload.outcomes.bug_caught", equalTo(1));
    }

    @Test
    void anOutcomeWithABadWorkloadNameIsRefusedAndNothingIsStored() throws Exception {
        String id = "test:wl-bad:" + UUID.randomUUID();
        problem("""
                {"id":"%s","kind":"bug_caught","teamId":"%s","aiAssisted":true,"source":"api-test",
                 "occurredAt":"2026-11-04T12:00:00Z","workload":"Code Review!"}""".formatted(id, team), "workload: 'Code Review!' is not a workload name");
        problem("""
                {"id":"%s","kind":"bug_caught","teamId":"%s","aiAssisted":true,"source":"api-test",
                 "occurredAt":"2026-11-04T12:00:00Z","workload":"%s"}""".formatted(id, team, "w".repeat(65)), "workload");
        // a marker sent after the refused ones is stored: the refused ones would have been by then
        String marker = "test:wl-marker:" + UUID.randomUUID();
        api().contentType(ContentType.JSON)
                .body(outcome(marker, "\"teamId\":\"" + team + "\","))
                .post("/api/outcomes")
                .then()
                .statusCode(202);
        awaitStored(marker);
        assertThat(scalar("SELECT count(*) FROM outcome WHERE id = ?", id)).isZero();
    }

    @Test
    void theAdminTokenIsRequired() {
        given().contentType(ContentType.JSON)
                .body(outcome("test:noauth:" + UUID.randomUUID(), ""))
                .post("/api/outcomes")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().header("Authorization", "Bearer wrong")
                .contentType(ContentType.JSON)
                .body(outcome("test:noauth:" + UUID.randomUUID(), ""))
                .post("/api/outcomes")
                .then()
                .statusCode(401);
    }

    private static void problem(String body, String detail) {
        api().contentType(ContentType.JSON)
                .body(body)
                .post("/api/outcomes")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString(detail));
    }
}
