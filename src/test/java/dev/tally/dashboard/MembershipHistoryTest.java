package dev.tally.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.dashboard.RollupFixture.Stay;
import dev.tally.platform.TestStack;
import dev.tally.platform.time.OrgCalendar;

/**
 * A team's people in a past period are those who were its members then (team_membership), plus anyone
 * else who made calls for it, so a re-organisation does not rewrite last quarter's adoption: one who
 * moved counts in the old team's months before the move and the new team's after (in both in the month
 * of the move), one who left still counts in the months they were there, one who joined later not in
 * the months before. 2017: a year no other test writes usage for; the history is written with explicit
 * instants, as the trigger would have written it had the moves happened then.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class MembershipHistoryTest {

    @Inject
    DataSource dataSource;

    @Inject
    OrgCalendar calendar;

    RollupFixture f;
    String department;
    UUID before;
    UUID after;
    UUID mover;
    UUID leaver;
    UUID joiner;

    @BeforeEach
    void reorganise() {
        f = new RollupFixture(dataSource);
        department = "Reorganised " + UUID.randomUUID();
        before = f.team("History Before", department);
        after = f.team("History After", department);
        UUID stayer = f.employees(before, 1).get(0);
        mover = f.employees(after, 1).get(0);
        Instant moved = f.noon(LocalDate.parse("2017-03-15"));
        f.history(mover, new Stay(before, Instant.EPOCH, moved), new Stay(after, moved, null));
        leaver = f.employees(before, 1).get(0);
        f.exec("DELETE FROM employee WHERE id = ?", leaver);
        f.history(leaver, new Stay(before, Instant.EPOCH, at("2017-04-10")));
        joiner = f.employees(after, 1).get(0);
        f.history(joiner, new Stay(after, at("2017-05-02"), null));
        // the one who stayed used AI in February; nobody else did
        f.usage(LocalDate.parse("2017-02-14"), before, stayer, "gpt-4o", 1, 10, 5, 0, 1_000, 0);
    }

    @Test
    void aPersonWhoMovedCountsInTheOldTeamBeforeTheMoveInTheNewAfterAndInBothInTheMonthOfTheMove() {
        assertThat(people(before, "2017-02")).isEqualTo(3);
        assertThat(people(after, "2017-02")).isZero();
        assertThat(people(before, "2017-03")).isEqualTo(3);
        assertThat(people(after, "2017-03")).isEqualTo(1);
        assertThat(people(before, "2017-05")).isEqualTo(1);
        assertThat(people(after, "2017-05")).isEqualTo(2);
        // the org report's rows and the department, which counts the mover once in the month of the move
        JsonPath march = org("2017-03");
        assertThat(march.getLong(teamRow(before) + ".employees")).isEqualTo(3);
        assertThat(march.getLong(teamRow(after) + ".employees")).isEqualTo(1);
        assertThat(march.getLong("departments.find { it.department == '" + department + "' }.metrics.employees"))
                .isEqualTo(3);
    }

    @Test
    void aPersonWhoLeftStillCountsInThePastMonthsAndIsListed() {
        JsonPath february = team(before, "2017-02");
        assertThat(february.getLong("totals.employees")).isEqualTo(3);
        assertThat(february.getFloat("totals.adoption")).isEqualTo(33.3f);
        assertThat(february.getList("employees.id", String.class)).contains(leaver.toString());
        assertThat(february.getList("employees.findAll { !it.member }.id", String.class))
                .contains(leaver.toString());
        assertThat(people(before, "2017-04")).isEqualTo(2);
        assertThat(team(before, "2017-05").getList("employees.id", String.class))
                .doesNotContain(leaver.toString());
    }

    @Test
    void aPersonWhoJoinedLaterDoesNotCountInTheMonthsBefore() {
        assertThat(people(after, "2017-04")).isEqualTo(1);
        assertThat(team(after, "2017-04").getList("employees.id", String.class)).doesNotContain(joiner.toString());
        assertThat(people(after, "2017-05")).isEqualTo(2);
    }

    @Test
    void theDeliveryTrendsWeeklyPeopleAreTheMembersOfEachWeek() {
        // weeks counted back from Tue 28 March: 22–28, 15–21 (the move at noon on the 15th), 8–14 March
        JsonPath b = report(before, "?from=2017-03-01&to=2017-03-28");
        JsonPath a = report(after, "?from=2017-03-01&to=2017-03-28");
        List<Integer> old = b.getList("deliveryDetail.trend.people", Integer.class);
        List<Integer> fresh = a.getList("deliveryDetail.trend.people", Integer.class);
        assertThat(old.subList(old.size() - 3, old.size())).containsExactly(3, 3, 2);
        assertThat(fresh.subList(fresh.size() - 3, fresh.size())).containsExactly(0, 1, 1);
    }

    /** The start of a day in the organisation's calendar. */
    private Instant at(String day) {
        return calendar.start(LocalDate.parse(day));
    }

    private static String range(String month) {
        LocalDate first = LocalDate.parse(month + "-01");
        return "?from=" + first + "&to=" + first.plusMonths(1).minusDays(1);
    }

    private long people(UUID team, String month) {
        return team(team, month).getLong("totals.employees");
    }

    private JsonPath team(UUID team, String month) {
        return report(team, range(month));
    }

    private static JsonPath report(UUID team, String range) {
        return Access.leader()
                .get("/api/reports/teams/" + team + range)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static JsonPath org(String month) {
        return Access.leader()
                .get("/api/reports/org" + range(month))
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    private static String teamRow(UUID team) {
        return "teams.find { it.id == '" + team + "' }.metrics";
    }
}
