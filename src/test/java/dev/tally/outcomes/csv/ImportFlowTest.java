package dev.tally.outcomes.csv;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.tally.access.Access;
import dev.tally.access.Scope;
import dev.tally.identity.Team;
import dev.tally.outcomes.OutcomeTestData;
import dev.tally.outcomes.OutcomeTopic;
import dev.tally.outcomes.mapping.TeamMapper;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class ImportFlowTest {

    private static final String ADMIN = "Bearer " + TallyServices.ADMIN_TOKEN;

    @Inject
    DataSource ds;

    @Inject
    TeamMapper teams;

    static ValidatableResponse post(String path, String csv) {
        return given().contentType("text/csv")
                .header("Authorization", ADMIN)
                .body(csv)
                .post(path)
                .then();
    }

    @Test
    void employeesAreImportedWithNewTeamsAndTheirLoginsMapToTheirTeam() throws Exception {
        String csv = """
                email,name,team,department,githubLogin
                imp-erin@example.com,Erin Import,Imp Payments,Engineering,imp-erin
                imp-frank@example.com,"Frank, Jr.",Imp Payments,Engineering,
                imp-gina@example.com,Gina Import,Imp Finance Ops,Finance,imp-gina
                """;
        post("/api/admin/employees/import", csv)
                .statusCode(200)
                .body("created", equalTo(3))
                .body("updated", equalTo(0))
                .body("teamsCreated", equalTo(List.of("Imp Payments", "Imp Finance Ops")));
        UUID payments = teamId("Imp Payments");
        assertThat(department("Imp Finance Ops")).isEqualTo("Finance");
        TeamMapper.Mapping m = teams.map("IMP-ERIN", "whatever/repo");
        assertThat(m.teamId()).isEqualTo(payments);
        assertThat(m.via()).isEqualTo(TeamMapper.Mapping.VIA_EMPLOYEE);

        // upsert by e-mail: Erin moves team, nothing is duplicated
        post("/api/admin/employees/import", """
                email,name,team,department,githubLogin
                IMP-ERIN@example.com,Erin Moved,Imp Finance Ops,,imp-erin
                """)
                .statusCode(200)
                .body("created", equalTo(0))
                .body("updated", equalTo(1));
        assertThat(teams.map("imp-erin", null).teamId()).isEqualTo(teamId("Imp Finance Ops"));
        assertThat(count("SELECT count(*) FROM employee WHERE lower(email) = 'imp-erin@example.com'"))
                .isEqualTo(1);
    }

    @Test
    void aBadEmployeeRowRejectsTheWholeFileListingEveryBadRow() throws Exception {
        String csv = """
                email,name,team,department,githubLogin
                imp-hank@example.com,Hank,Imp Rejected Team,Engineering,imp-hank
                not-an-email,Ivy,Imp Rejected Team,Engineering,
                imp-jo@example.com,,Imp Other New Team,,bad login!
                """;
        post("/api/admin/employees/import", csv)
                .statusCode(400)
                .contentType("application/problem+json")
                .body(
                        "detail",
                        allOf(
                                containsString("nothing imported"),
                                containsString("row 3: email 'not-an-email'"),
                                containsString("row 4: name is empty"),
                                containsString("department is empty"),
                                containsString("githubLogin 'bad login!'"),
                                not(containsString("row 2"))));
        assertThat(count("SELECT count(*) FROM employee WHERE email = 'imp-hank@example.com'"))
                .isZero();
        assertThat(count("SELECT count(*) FROM team WHERE name = 'Imp Rejected Team'"))
                .isZero();
    }

    @Test
    void outcomesAreImportedFromCsvAllOrNothing() throws Exception {
        UUID ops = OutcomeTestData.team(ds, "Imp Support Ops");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String bad = "id,kind,team,employeeEmail,occurredAt,aiAssisted,valueHours,ref\n"
                + "ok-" + run + ",task_automated,Imp Support Ops,,2026-11-02,true,1.5,ticket triage bot\n"
                + "bad-" + run + ",task_automated,No Such Team,,2026-13-02,maybe,-2,\n"
                + "typo-" + run + ",pr_merge,Imp Support Ops,,2026-11-02,true,,\n";
        post("/api/outcomes/import", bad)
                .statusCode(400)
                .body(
                        "detail",
                        allOf(
                                containsString("row 3:"),
                                containsString("team 'No Such Team'"),
                                containsString("occurredAt '2026-13-02'"),
                                containsString("aiAssisted 'maybe'"),
                                containsString("valueHours -2 must be between 0 and 999999999.999"),
                                containsString("row 4: kind 'pr_merge'"),
                                not(containsString("row 2"))));

        String good = "id,kind,team,employeeEmail,occurredAt,aiAssisted,valueHours,ref\n"
                + "ok-" + run + ",task_automated,Imp Support Ops,,2026-11-02,true,1.5,ticket triage bot\n"
                + "un-" + run + ",custom_hours_saved,,,2026-11-03T08:30:00Z,no,,\n";
        post("/api/outcomes/import", good).statusCode(200).body("imported", equalTo(2));

        JsonNode first = OutcomeTopic.await("csv:ok-" + run).event();
        assertThat(first.at("/data/teamId").asText()).isEqualTo(ops.toString());
        assertThat(first.at("/data/valueHours").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(first.at("/data/aiAssisted").asBoolean()).isTrue();
        assertThat(OutcomeTopic.attribution(first)).containsExactly("self-reported");
        assertThat(first.at("/data/occurredAt").asText()).isEqualTo("2026-11-02T00:00:00Z");
        JsonNode second = OutcomeTopic.await("csv:un-" + run).event();
        assertThat(second.at("/data/teamId").asText()).isEqualTo(Team.UNASSIGNED.toString());
        assertThat(second.at("/data/kind").asText()).isEqualTo("custom_hours_saved");
        // the rejected file sent nothing: its good first row arrived once, from the second file
        assertThat(OutcomeTopic.count("csv:ok-" + run)).isEqualTo(1);
        assertThat(OutcomeTopic.count("csv:bad-" + run)).isZero();
        assertThat(OutcomeTopic.count("csv:typo-" + run)).isZero();
    }

    @Test
    void anOutcomesWriteTokensImportDoesNotTellWhetherAnEmployeeOrTeamExists() throws Exception {
        UUID hidden = OutcomeTestData.team(ds, "Imp Hidden Team");
        OutcomeTestData.employee(ds, hidden, "imp-hidden@example.com", "imp-hidden");
        String run = UUID.randomUUID().toString().substring(0, 8);
        String header = "id,kind,team,employeeEmail,occurredAt,aiAssisted,valueHours,ref\n";
        String known =
                header + "known-" + run + ",task_automated,Imp Hidden Team,imp-hidden@example.com,2026-11-02,true,,\n";
        String unknown = header + "unknown-" + run
                + ",task_automated,Imp No Such Team,imp-nobody@example.com,2026-11-02,true,,\n";
        // the token may post outcomes and read nothing: both files get the same kind of answer
        Access.token(Scope.OUTCOMES_WRITE)
                .contentType("text/csv")
                .body(known)
                .post("/api/outcomes/import")
                .then()
                .statusCode(200)
                .body("imported", equalTo(1));
        Access.token(Scope.OUTCOMES_WRITE)
                .contentType("text/csv")
                .body(unknown)
                .post("/api/outcomes/import")
                .then()
                .statusCode(200)
                .body("imported", equalTo(1));
        assertThat(OutcomeTopic.await("csv:known-" + run)
                        .event()
                        .at("/data/teamId")
                        .asText())
                .isEqualTo(hidden.toString());
        assertThat(OutcomeTopic.await("csv:unknown-" + run)
                        .event()
                        .at("/data/teamId")
                        .asText())
                .isEqualTo(Team.UNASSIGNED.toString());
        // an admin, who may list teams and employees, still gets the row error
        post("/api/outcomes/import", unknown)
                .statusCode(400)
                .body(
                        "detail",
                        allOf(
                                containsString("team 'Imp No Such Team' does not exist"),
                                containsString("employeeEmail 'imp-nobody@example.com' is no known employee")));
    }

    @Test
    void csvValueHoursFollowTheSamePrecisionRuleAsTheApi() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String header = "id,kind,team,employeeEmail,occurredAt,aiAssisted,valueHours,ref\n";
        post(
                        "/api/outcomes/import",
                        header + "zeros-" + run + ",task_automated,,,2026-11-02,true,1.50000,\n" + "max-" + run
                                + ",task_automated,,,2001-02-03,true,999999999.999,\n")
                .statusCode(200)
                .body("imported", equalTo(2));
        given().contentType("application/json")
                .header("Authorization", ADMIN)
                .body(
                        "[{\"id\":\"api-zeros-%s\",\"kind\":\"task_automated\",\"occurredAt\":\"2026-11-02T00:00:00Z\",\"valueHours\":1.50000}]"
                                .formatted(run))
                .post("/api/outcomes")
                .then()
                .statusCode(202);
        JsonNode csv = OutcomeTopic.await("csv:zeros-" + run).event();
        JsonNode api = OutcomeTopic.await("api-zeros-" + run).event();
        assertThat(csv.at("/data/valueHours").asText())
                .isEqualTo("1.5")
                .isEqualTo(api.at("/data/valueHours").asText());
        assertThat(OutcomeTopic.await("csv:max-" + run)
                        .event()
                        .at("/data/valueHours")
                        .decimalValue())
                .isEqualByComparingTo("999999999.999");
        // more than 3 decimals once the zeros are gone: refused by both
        post("/api/outcomes/import", header + "fine-" + run + ",task_automated,,,2026-11-02,true,1.00050,\n")
                .statusCode(400)
                .body(
                        "detail",
                        containsString(
                                "row 2: valueHours 1.00050 must be between 0 and 999999999.999 with at most 3 decimals"));
        given().contentType("application/json")
                .header("Authorization", ADMIN)
                .body(
                        "{\"id\":\"api-fine-%s\",\"kind\":\"task_automated\",\"occurredAt\":\"2026-11-02T00:00:00Z\",\"valueHours\":1.00050}"
                                .formatted(run))
                .post("/api/outcomes")
                .then()
                .statusCode(400)
                .body(
                        "detail",
                        containsString("valueHours: must be between 0 and 999999999.999 with at most 3 decimals"));
    }

    @Test
    void repositoryRulesSetByTheAdminApiMapRepositoriesMostSpecificFirst() throws Exception {
        UUID platform = OutcomeTestData.team(ds, "Imp Platform");
        UUID payments = OutcomeTestData.team(ds, "Imp Payments Repo Team");
        given().contentType("application/json")
                .header("Authorization", ADMIN)
                .body(List.of(
                        Map.of("pattern", "imp-org/*", "teamId", platform.toString()),
                        Map.of("pattern", "Imp-Org/payments-*", "teamId", payments.toString())))
                .put("/api/admin/repo-teams")
                .then()
                .statusCode(200);
        assertThat(teams.map("someone-unknown", "imp-org/payments-ledger").teamId())
                .isEqualTo(payments);
        assertThat(teams.map(null, "imp-org/website").teamId()).isEqualTo(platform);
        assertThat(teams.map(null, "elsewhere/website").teamId()).isEqualTo(Team.UNASSIGNED);

        given().contentType("application/json")
                .header("Authorization", ADMIN)
                .body(List.of(
                        Map.of("pattern", "*", "teamId", platform.toString()),
                        Map.of("pattern", "x/y", "teamId", UUID.randomUUID().toString())))
                .put("/api/admin/repo-teams")
                .then()
                .statusCode(400)
                .body("detail", allOf(containsString("[0].pattern"), containsString("[1].teamId")));
        // the refused set changed nothing
        assertThat(teams.map(null, "imp-org/website").teamId()).isEqualTo(platform);
    }

    private UUID teamId(String name) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT id FROM team WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("team " + name).isTrue();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private String department(String name) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT department FROM team WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    @Test
    void aJsonBodyOnACsvImportIsA415NamingTheAcceptedTypes() {
        for (String path : List.of("/api/outcomes/import", "/api/admin/employees/import")) {
            given().contentType("application/json")
                    .header("Authorization", ADMIN)
                    .body("[]")
                    .post(path)
                    .then()
                    .statusCode(415)
                    .contentType("application/problem+json")
                    .body(
                            "detail",
                            equalTo("Content-Type application/json is not accepted here: send "
                                    + "text/csv or application/csv or text/plain"));
        }
    }

    private long count(String sql) {
        return TestSql.count(ds, sql);
    }
}
