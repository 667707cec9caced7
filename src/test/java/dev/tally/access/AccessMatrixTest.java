package dev.tally.access;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.tally.dashboard.RollupFixture;
import dev.tally.platform.TestStack;

/**
 * Every role against every page and report, JSON and CSV: allowed or refused, and the right rows.
 * Two teams of this test's own, A (Alice) and B (Bob), each with a day of usage; the team lead
 * leads A only.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class AccessMatrixTest {

    @Inject
    DataSource dataSource;

    static String teamA;
    static String teamB;
    static String teamBName;
    static String aliceEmail;
    static String bobEmail;

    static final String DAY = "?from=" + LocalDate.now(ZoneOffset.UTC) + "&to=" + LocalDate.now(ZoneOffset.UTC);

    @BeforeEach
    void seed() {
        if (teamA != null) {
            return;
        }
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        teamA = team("Matrix A " + suffix);
        teamBName = "Matrix B " + suffix;
        teamB = team(teamBName);
        aliceEmail = "alice-" + suffix + "@matrix.test";
        bobEmail = "bob-" + suffix + "@matrix.test";
        String alice = employee(aliceEmail, "Alice Matrix", teamA);
        String bob = employee(bobEmail, "Bob Matrix", teamB);
        RollupFixture f = new RollupFixture(dataSource);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        f.usage(today, UUID.fromString(teamA), UUID.fromString(alice), "gpt-4o-mini", 3, 100, 50, 0, 12_345, 0);
        f.usage(today, UUID.fromString(teamB), UUID.fromString(bob), "gpt-4o-mini", 5, 200, 80, 0, 54_321, 0);
        // three calls of Bob's key refused: a per-key row that only team B's detail may show
        UUID bobKey = UUID.randomUUID();
        String hash = bobKey.toString().replace("-", "");
        f.exec(
                "INSERT INTO api_key (id, employee_id, name, key_hash, prefix) VALUES (?, ?, 'bob laptop', ?, 'tly_matrixB')",
                bobKey,
                UUID.fromString(bob),
                hash + hash);
        f.exec(
                "INSERT INTO refusal_team_day (day, team_id, key_id, reason, requests) VALUES (?, ?, ?, 'revoked', 3)",
                today,
                UUID.fromString(teamB),
                bobKey);
    }

    // ---- anonymous -----------------------------------------------------------------------------

    @Test
    void anonymousCallersGet401OnTheApiAndChartsAndTheSignInPageForPages() {
        for (String path : List.of(
                "/api/reports/org",
                "/api/reports/teams",
                "/api/reports/teams/" + teamA,
                "/api/reports/teams/" + teamA + "?format=csv&table=employees",
                "/api/reports/models",
                "/api/reports/reviewers",
                "/api/reports/reviewers?format=csv",
                "/api/reports/refusals",
                "/api/reports/refusals?teamId=" + teamA,
                "/api/admin/keys",
                "/api/me",
                "/charts/org/spend-vs-value.png",
                "/charts/team/spend-by-model.png?team=" + teamA)) {
            given().get(path).then().statusCode(401).contentType("application/problem+json");
        }
        for (String path : List.of(
                "/",
                "/teams/" + teamA,
                "/models",
                "/operations",
                "/me",
                "/admin/audit",
                "/workloads",
                "/workloads/interactive")) {
            given().redirects().follow(false).get(path).then().statusCode(302).header("Location", endsWith("/login"));
        }
    }

    // ---- employee ------------------------------------------------------------------------------

    @Test
    void anEmployeeSeesOnlyTheirOwnUsageAndNoReport() {
        for (String path : reportPaths(teamA)) {
            Access.employee(aliceEmail).get(path).then().statusCode(403);
        }
        Access.employee(aliceEmail)
                .redirects()
                .follow(false)
                .get("/")
                .then()
                .statusCode(303)
                .header("Location", endsWith("/me"));
        for (String path : List.of(
                "/teams/" + teamA,
                "/models",
                "/operations",
                "/admin/audit",
                "/charts/org/spend-vs-value.png",
                "/charts/delivery/trend.png",
                "/api/admin/keys",
                "/workloads")) {
            Access.employee(aliceEmail).get(path).then().statusCode(403);
        }
        String me = Access.employee(aliceEmail)
                .get("/me")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(me).contains("My usage").contains("Alice Matrix").doesNotContain("Bob Matrix");
        Map<String, Object> usage = Access.employee(aliceEmail)
                .get("/api/me" + DAY)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("total");
        assertThat(((Number) usage.get("requests")).longValue()).isEqualTo(3);
        assertThat(((Number) usage.get("costNanos")).longValue()).isEqualTo(12_345);
    }

    // ---- team lead -----------------------------------------------------------------------------

    @Test
    void aTeamLeadSeesTheirTeamsPeopleAndOnlyOtherTeamsTotals() {
        // own team: people, in JSON and CSV
        List<String> people = Access.teamLead(teamA)
                .get("/api/reports/teams/" + teamA + DAY)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("employees.email");
        assertThat(people).containsExactly(aliceEmail);
        assertThat(Access.teamLead(teamA)
                        .get("/api/reports/teams/" + teamA + DAY + "&format=csv&table=employees")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains(aliceEmail)
                .doesNotContain(bobEmail);

        // another team's detail: refused, JSON and every CSV table
        Access.teamLead(teamA)
                .get("/api/reports/teams/" + teamB + DAY)
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        // a team's refused calls name keys and people: the own team's only, not another's; every team's
        // totals (a row a team, no key, no person) as the org page shows them, JSON and CSV
        Access.teamLead(teamA)
                .get("/api/reports/refusals" + DAY + "&teamId=" + teamA)
                .then()
                .statusCode(200);
        Access.teamLead(teamA)
                .get("/api/reports/refusals" + DAY + "&teamId=" + teamB)
                .then()
                .statusCode(403);
        Response refusedByTeam = Access.teamLead(teamA).get("/api/reports/refusals" + DAY);
        refusedByTeam.then().statusCode(200);
        assertThat(refusedByTeam.jsonPath().getList("rows.team", String.class)).contains(teamBName);
        assertThat(refusedByTeam.jsonPath().getList("rows.keyId")).allMatch(k -> k == null);
        assertThat(refusedByTeam.jsonPath().getList("rows.person")).allMatch(p -> p == null);
        assertThat(refusedByTeam.asString()).doesNotContain("Bob Matrix").doesNotContain("bob laptop");
        assertThat(Access.teamLead(teamA)
                        .get("/api/reports/refusals" + DAY + "&format=csv")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains(teamBName)
                .doesNotContain("Bob Matrix")
                .doesNotContain("bob laptop");
        for (String table : List.of("employees", "kpis", "daily", "models", "merged_prs")) {
            Access.teamLead(teamA)
                    .get("/api/reports/teams/" + teamB + DAY + "&format=csv&table=" + table)
                    .then()
                    .statusCode(403);
        }

        // the org: every team's totals, nobody's name or e-mail from another team
        Response org = Access.teamLead(teamA).get("/api/reports/org" + DAY);
        org.then().statusCode(200);
        assertThat(org.jsonPath().getList("teams.name", String.class)).contains(teamBName);
        assertThat(org.asString()).doesNotContain(bobEmail).doesNotContain("Bob Matrix");
        for (String table : List.of("teams", "kpis", "departments", "daily", "models")) {
            String csv = Access.teamLead(teamA)
                    .get("/api/reports/org" + DAY + "&format=csv&table=" + table)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            assertThat(csv).doesNotContain(bobEmail).doesNotContain("Bob Matrix");
        }
        assertThat(Access.teamLead(teamA)
                        .get("/api/reports/org" + DAY + "&format=csv&table=teams")
                        .asString())
                .contains(teamBName);
        Access.teamLead(teamA).get("/api/reports/teams" + DAY).then().statusCode(200);
        Access.teamLead(teamA).get("/api/reports/models" + DAY).then().statusCode(200);
        Access.teamLead(teamA).get("/api/reports/operations").then().statusCode(403);
        // AI reviewers' findings per team: counts, no people, so every team's
        Access.teamLead(teamA)
                .get("/api/reports/reviewers" + DAY + "&teamId=" + teamB)
                .then()
                .statusCode(200);

        // pages and charts follow the same rule
        assertThat(Access.teamLead(teamA)
                        .get("/teams/" + teamA + DAY)
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("Alice Matrix");
        Access.teamLead(teamA).get("/teams/" + teamB + DAY).then().statusCode(403);
        Access.teamLead(teamA).get("/" + DAY).then().statusCode(200);
        Access.teamLead(teamA).get("/models").then().statusCode(200);
        Access.teamLead(teamA).get("/operations").then().statusCode(403);
        // workloads span every team: their own team's through ?teamId=, the rest not
        Access.teamLead(teamA)
                .get("/api/reports/workloads" + DAY + "&teamId=" + teamA)
                .then()
                .statusCode(200);
        Access.teamLead(teamA)
                .get("/api/reports/workloads" + DAY + "&teamId=" + teamB)
                .then()
                .statusCode(403);
        Access.teamLead(teamA).get("/api/reports/workloads" + DAY).then().statusCode(403);
        for (String table : List.of("workloads", "tiers")) {
            Access.teamLead(teamA)
                    .get("/api/reports/workloads" + DAY + "&format=csv&table=" + table)
                    .then()
                    .statusCode(403);
        }
        // the organisation's adoption by tool (totals per tool), the org page's CSV link
        assertThat(Access.teamLead(teamA)
                        .get("/api/reports/workloads" + DAY + "&format=csv&table=tools")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .doesNotContain("Bob Matrix")
                .doesNotContain(bobEmail);
        Access.teamLead(teamA)
                .get("/api/reports/workloads/interactive" + DAY)
                .then()
                .statusCode(403);
        Access.teamLead(teamA).get("/workloads").then().statusCode(403);
        Access.teamLead(teamA).get("/workloads/interactive").then().statusCode(403);
        Access.teamLead(teamA).get("/admin/audit").then().statusCode(403);
        Access.teamLead(teamA)
                .get("/charts/team/spend-by-model.png?team=" + teamA)
                .then()
                .statusCode(200);
        Access.teamLead(teamA)
                .get("/charts/team/spend-by-model.png?team=" + teamB)
                .then()
                .statusCode(403);
        Access.teamLead(teamA)
                .get("/charts/delivery/trend.png" + DAY + "&team=" + teamA)
                .then()
                .statusCode(200);
        Access.teamLead(teamA)
                .get("/charts/delivery/trend.png" + DAY + "&team=" + teamB)
                .then()
                .statusCode(403);
        Access.teamLead(teamA).get("/api/admin/keys").then().statusCode(403);
    }

    @Test
    void theOrgPageLinksATeamLeadOnlyToTheTeamPagesTheyMayOpen() {
        String lead = Access.teamLead(teamA)
                .get("/" + DAY)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        // team B is on the page, by name and figures, but not as a link to a page that answers 403
        assertThat(lead)
                .contains("href=\"/teams/" + teamA)
                .contains(teamBName)
                .doesNotContain("href=\"/teams/" + teamB);
        // the lead of B, right after: the page cached for A's lead is not theirs
        String leadOfB = Access.teamLead(teamB)
                .get("/" + DAY)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(leadOfB).contains("href=\"/teams/" + teamB).doesNotContain("href=\"/teams/" + teamA);
        String leader =
                Access.leader().get("/" + DAY).then().statusCode(200).extract().asString();
        assertThat(leader).contains("href=\"/teams/" + teamA).contains("href=\"/teams/" + teamB);
    }

    /** The Budgets page is for leaders and admins: a team lead's team page does not link to its 403. */
    @Test
    void aTeamLeadsTeamPageLinksToTheBudgetsPageWhereTheySetTheirTeamsBudgets() {
        String lead = Access.teamLead(teamA)
                .get("/teams/" + teamA + DAY)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(lead).contains("id=\"team-budgets\"").contains("href=\"/budgets\">Set budgets</a>");
        Access.teamLead(teamA).get("/budgets").then().statusCode(200);
        // an employee has neither the link nor the page
        Access.employee(aliceEmail).get("/budgets").then().statusCode(403);
        String leader = Access.leader()
                .get("/teams/" + teamA + DAY)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(leader).contains("href=\"/budgets\">All budgets</a>");
    }

    // ---- leader, admin -------------------------------------------------------------------------

    @Test
    void aLeaderSeesEveryTeamButNoAdministration() {
        for (String path : reportPaths(teamB)) {
            Access.leader().get(path).then().statusCode(200);
        }
        assertThat(Access.leader()
                        .get("/api/reports/teams/" + teamB + DAY)
                        .jsonPath()
                        .getList("employees.email"))
                .containsExactly(bobEmail);
        for (String path : List.of(
                "/",
                "/teams/" + teamB,
                "/models",
                "/operations",
                "/charts/team/spend-by-model.png?team=" + teamB,
                "/workloads",
                "/workloads/interactive")) {
            Access.leader().get(path).then().statusCode(200);
        }
        Access.leader().get("/admin/audit").then().statusCode(403);
        Access.leader().get("/api/admin/keys").then().statusCode(403);
        Access.leader()
                .contentType(ContentType.JSON)
                .body(Map.of("name", "x", "scopes", List.of("admin")))
                .post("/api/admin/tokens")
                .then()
                .statusCode(403);
    }

    @Test
    void anAdminSeesEverythingWithASessionOrTheToken() {
        for (String path : reportPaths(teamB)) {
            Access.adminUser().get(path).then().statusCode(200);
            Access.admin().get(path).then().statusCode(200);
        }
        for (String path : List.of("/", "/teams/" + teamB, "/models", "/operations", "/admin/audit")) {
            Access.adminUser().get(path).then().statusCode(200);
        }
        Access.adminUser().get("/api/admin/keys").then().statusCode(200);
        Access.admin().get("/api/admin/keys").then().statusCode(200);
    }

    // ---- tokens --------------------------------------------------------------------------------

    @Test
    void aReportsTokenReadsEveryReportAndNothingElse() {
        for (String path : reportPaths(teamB)) {
            Access.token(Scope.REPORTS_READ).get(path).then().statusCode(200);
        }
        assertThat(Access.token(Scope.REPORTS_READ)
                        .get("/api/reports/teams/" + teamB + DAY + "&format=csv&table=employees")
                        .asString())
                .contains(bobEmail);
        Access.token(Scope.REPORTS_READ)
                .get("/api/admin/keys")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        Access.token(Scope.REPORTS_READ)
                .contentType(ContentType.JSON)
                .body("[]")
                .post("/api/outcomes")
                .then()
                .statusCode(403);
        Access.token(Scope.REPORTS_READ).get("/api/me").then().statusCode(403);
    }

    @Test
    void anOutcomesTokenReadsNoReport() {
        for (String path : reportPaths(teamB)) {
            Access.token(Scope.OUTCOMES_WRITE).get(path).then().statusCode(403);
        }
        Access.token(Scope.OUTCOMES_WRITE).get("/api/admin/keys").then().statusCode(403);
    }

    /** Every report, JSON and every CSV table, for a team whose detail the caller may or may not see. */
    static List<String> reportPaths(String team) {
        return List.of(
                "/api/reports/org" + DAY,
                "/api/reports/org" + DAY + "&format=csv&table=teams",
                "/api/reports/org" + DAY + "&format=csv&table=models",
                "/api/reports/teams" + DAY,
                "/api/reports/teams" + DAY + "&format=csv",
                "/api/reports/teams/" + team + DAY,
                "/api/reports/teams/" + team + DAY + "&format=csv&table=employees",
                "/api/reports/teams/" + team + DAY + "&format=csv&table=kpis",
                "/api/reports/models" + DAY,
                "/api/reports/models" + DAY + "&format=csv",
                "/api/reports/reviewers" + DAY,
                "/api/reports/reviewers" + DAY + "&format=csv",
                "/api/reports/refusals" + DAY + "&teamId=" + team,
                "/api/reports/refusals" + DAY + "&teamId=" + team + "&format=csv",
                "/api/reports/budgets",
                "/api/reports/operations",
                "/api/reports/workloads" + DAY,
                "/api/reports/workloads" + DAY + "&format=csv&table=tiers",
                "/api/reports/workloads/interactive" + DAY,
                "/api/reports/workloads" + DAY + "&teamId=" + team);
    }

    private static String team(String name) {
        return Access.newTeam(name, "Matrix");
    }

    private static String employee(String email, String name, String teamId) {
        return Access.newEmployee(email, name, teamId);
    }
}
