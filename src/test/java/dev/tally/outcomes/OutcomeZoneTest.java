package dev.tally.outcomes;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.platform.OwnSettings;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestSql;
import dev.tally.platform.TestStack;

/**
 * Outcomes in an organisation whose days are New York's ({@link OwnSettings#ZONE}): a CSV row dated
 * with a plain date counts on that local day, and the AI reviewer table reads the same local days as
 * the rest of the team page.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
@TestProfile(OwnSettings.class)
class OutcomeZoneTest {

    @Inject
    DataSource ds;

    @Test
    void aCsvRowDatedWithADayCountsOnThatDayOfTheOrganisation() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        UUID team = OutcomeTestData.team(ds, "Zone CSV " + run);
        String csv = "id,kind,team,employeeEmail,occurredAt,aiAssisted,valueHours,ref\n" + "zone-" + run
                + ",task_automated,Zone CSV " + run + ",,2026-11-01,true,2,\n";
        given().contentType("text/csv")
                .header("Authorization", "Bearer " + TallyServices.ADMIN_TOKEN)
                .body(csv)
                .post("/api/outcomes/import")
                .then()
                .statusCode(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() ->
                        TestSql.count(ds, "SELECT count(*) FROM outcome_team_day WHERE team_id = '" + team + "'") > 0);
        // 1 November, the day the row names, not 31 October (its UTC midnight is 20:00 the day before in New York)
        assertThat(TestSql.count(
                        ds,
                        "SELECT count(*) FROM outcome_team_day WHERE team_id = '" + team
                                + "' AND day = DATE '2026-11-01'"))
                .isEqualTo(1);
        assertThat(TestSql.count(
                        ds,
                        "SELECT count(*) FROM outcome_team_month WHERE team_id = '" + team
                                + "' AND month = DATE '2026-11-01'"))
                .isEqualTo(1);
    }

    @Test
    void theReviewerTableCountsAFindingOnItsLocalDayLikeTheKpis() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        UUID team = OutcomeTestData.team(ds, "Zone Review " + run);
        // 22:00 on 31 March in New York: 1 April in UTC, but March's for the organisation
        insertFinding("zone-flag-" + run, team, "bug_flagged", OffsetDateTime.parse("2026-03-30T15:00:00Z"));
        insertFinding("zone-fix-" + run, team, "bug_caught", OffsetDateTime.parse("2026-04-01T02:00:00Z"));
        JsonPath march = Access.leader()
                .get("/api/reports/reviewers?from=2026-03-01&to=2026-03-31&teamId=" + team)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(march.getLong("rows[0].flagged")).isEqualTo(1);
        assertThat(march.getLong("rows[0].fixed")).isEqualTo(1);
        JsonPath april = Access.leader()
                .get("/api/reports/reviewers?from=2026-04-01&to=2026-04-30&teamId=" + team)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(april.getList("rows")).isEmpty();
        assertThat(LocalDate.parse(march.getString("to"))).isEqualTo(LocalDate.parse("2026-03-31"));
    }

    private void insertFinding(String id, UUID team, String kind, OffsetDateTime at) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO outcome (id, kind, team_id, ai_assisted, attribution, source, occurred_at) "
                                + "VALUES (?, ?, ?, true, '[\"ai-reviewer:coderabbitai[bot]\", \"reviewer:coderabbit\"]'::jsonb, "
                                + "'github', ?)")) {
            ps.setString(1, id);
            ps.setString(2, kind);
            ps.setObject(3, team);
            ps.setObject(4, at);
            ps.executeUpdate();
        }
    }
}
