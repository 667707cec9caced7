package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.platform.TestStack;

/**
 * A person who moved to another team within the period was active for both teams (each team's rows
 * keep its own days), but is one active user of the organisation: the org's active users are a
 * distinct count, as its weekly AI users are, not the sum of the teams'.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class MovedEmployeeActiveTest {

    @Inject
    DataSource dataSource;

    @Test
    void aPersonWhoMovedTeamsIsOneActiveUserOfTheOrganisation() {
        RollupFixture f = new RollupFixture(dataSource);
        UUID before = f.team("Mover Before " + UUID.randomUUID(), "Engineering");
        UUID after = f.team("Mover After " + UUID.randomUUID(), "Engineering");
        UUID mover = f.employees(after, 1).get(0);
        // 2019: a month no other test writes, so the org's figures of the period are this test's alone
        f.usage(LocalDate.parse("2019-03-05"), before, mover, "gpt-4o", 1, 10, 5, 0, 1_000, 0);
        f.usage(LocalDate.parse("2019-03-20"), after, mover, "gpt-4o", 1, 10, 5, 0, 2_000, 0);
        f.usage(LocalDate.parse("2019-02-10"), before, mover, "gpt-4o", 1, 10, 5, 0, 4_000, 0);
        f.usage(LocalDate.parse("2019-02-25"), after, mover, "gpt-4o", 1, 10, 5, 0, 8_000, 0);

        JsonPath org = Access.leader()
                .get("/api/reports/org?from=2019-03-01&to=2019-03-31")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(org.getLong("totals.spend_nanos")).isEqualTo(3_000);
        assertThat(org.getLong("teams.find { it.id == '" + before + "' }.metrics.active_users"))
                .isEqualTo(1);
        assertThat(org.getLong("teams.find { it.id == '" + after + "' }.metrics.active_users"))
                .isEqualTo(1);
        assertThat(org.getLong("totals.active_users")).isEqualTo(1);
        assertThat(org.getLong("previousTotals.active_users")).isEqualTo(1);
    }

    @Test
    void aPersonWhoMovedBetweenTwoTeamsOfADepartmentIsOneActiveUserOfTheDepartment() {
        RollupFixture f = new RollupFixture(dataSource);
        String department = "Movers " + UUID.randomUUID();
        UUID before = f.team("Dept Mover Before", department);
        UUID after = f.team("Dept Mover After", department);
        UUID mover = f.employees(after, 1).get(0);
        UUID stayer = f.employees(before, 1).get(0);
        f.usage(LocalDate.parse("2019-05-06"), before, mover, "gpt-4o", 1, 10, 5, 0, 1_000, 0);
        f.usage(LocalDate.parse("2019-05-21"), after, mover, "gpt-4o", 1, 10, 5, 0, 2_000, 0);
        f.usage(LocalDate.parse("2019-05-22"), before, stayer, "gpt-4o", 1, 10, 5, 0, 4_000, 0);

        JsonPath org = Access.leader()
                .get("/api/reports/org?from=2019-05-01&to=2019-05-31")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        String dept = "departments.find { it.department == '" + department + "' }.metrics";
        assertThat(org.getLong("teams.find { it.id == '" + before + "' }.metrics.active_users"))
                .isEqualTo(2);
        assertThat(org.getLong("teams.find { it.id == '" + after + "' }.metrics.active_users"))
                .isEqualTo(1);
        assertThat(org.getLong(dept + ".spend_nanos")).isEqualTo(7_000);
        assertThat(org.getLong(dept + ".active_users")).isEqualTo(2);
        assertThat(org.getLong(dept + ".employees")).isEqualTo(2);
        String csv = Access.leader()
                .get("/api/reports/org?from=2019-05-01&to=2019-05-31&format=csv&table=departments")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String row = csv.lines()
                .filter(l -> l.startsWith(department + ","))
                .findFirst()
                .orElseThrow();
        List<String> header = List.of(csv.lines().findFirst().orElseThrow().split(","));
        assertThat(row.split(",")[header.indexOf("active_users")]).isEqualTo("2");
    }

    @Test
    void aFormerMemberWhoMadeCallsForTheTeamIsOneOfItsPeopleSoAdoptionNeverPassesAHundredPercent() {
        RollupFixture f = new RollupFixture(dataSource);
        UUID team = f.team("Former Member Team", "Engineering");
        UUID elsewhere = f.team("Former Member Now", "Engineering");
        List<UUID> members = f.employees(team, 2);
        UUID former = f.employees(elsewhere, 1).get(0);
        // July 2019: no other test writes it; the former member's calls still went to the old team's key
        for (UUID person : List.of(members.get(0), members.get(1), former)) {
            f.usage(LocalDate.parse("2019-07-10"), team, person, "gpt-4o", 1, 10, 5, 0, 1_000, 0);
        }
        String range = "?from=2019-07-01&to=2019-07-14";

        JsonPath report = Access.leader()
                .get("/api/reports/teams/" + team + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(report.getLong("totals.active_users")).isEqualTo(3);
        assertThat(report.getLong("totals.employees")).isEqualTo(3);
        assertThat(report.getDouble("totals.adoption")).isEqualTo(100.0);
        assertThat(report.getList("deliveryDetail.trend.people", Integer.class))
                .last()
                .isEqualTo(3);
        assertThat(report.getList("deliveryDetail.trend.aiUsers", Integer.class))
                .last()
                .isEqualTo(3);
        List<Number> shares = report.getList("deliveryDetail.trend.aiSharePercent");
        assertThat(shares)
                .filteredOn(share -> share != null)
                .allSatisfy(share -> assertThat(share.doubleValue()).isLessThanOrEqualTo(100.0));

        JsonPath org = Access.leader()
                .get("/api/reports/org" + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertThat(org.getLong("teams.find { it.id == '" + team + "' }.metrics.employees"))
                .isEqualTo(3);
        assertThat(org.getDouble("teams.find { it.id == '" + team + "' }.metrics.adoption"))
                .isEqualTo(100.0);
        // the team they belong to now counts them too: they are its member, not active for it
        assertThat(org.getLong("teams.find { it.id == '" + elsewhere + "' }.metrics.employees"))
                .isEqualTo(1);
        assertThat(org.getDouble("totals.adoption")).isLessThanOrEqualTo(100.0);

        String page = Access.leader()
                .get("/teams/" + team + range)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(page)
                .contains("Adoption: 3 of 3 people used AI in this period")
                .contains("(1 of them no longer on the team).");
        assertThat(report.getList("employees.findAll { !it.member }.id", String.class))
                .containsExactly(former.toString());
    }
}
