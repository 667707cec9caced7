package dev.tally.dashboard.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.tally.dashboard.definition.Dashboard.Grouping;
import dev.tally.dashboard.report.Report.EmployeeRow;
import dev.tally.dashboard.report.Report.TeamInfo;
import dev.tally.dashboard.roi.Metrics;

/** The groups a bar chart draws: one bar per row of the table its CSV carries. */
class GroupsTest {

    static Metrics spend(long nanos) {
        return new Metrics(nanos, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0);
    }

    @Test
    void twoPeopleOfTheSameNameAreTwoBarsNotOneWithTheirSpendAdded() {
        Period p = new Period(LocalDate.parse("2026-03-01"), LocalDate.parse("2026-03-31"));
        TeamInfo team = new TeamInfo(UUID.randomUUID(), "Platform", "Engineering");
        List<EmployeeRow> people = List.of(
                new EmployeeRow(UUID.randomUUID(), "Alex Kim", "alex.kim@example.test", spend(300)),
                new EmployeeRow(UUID.randomUUID(), "Alex Kim", "alex.kim2@example.test", spend(200)),
                new EmployeeRow(UUID.randomUUID(), "Sam Lee", "sam@example.test", spend(100)));
        Report r = new Report(
                team,
                p,
                p.previous(),
                spend(600),
                Metrics.ZERO,
                List.of(team),
                Map.of(team.id(), spend(600)),
                Map.of(),
                new TreeMap<>(),
                Map.of(),
                Map.of(),
                new TreeMap<>(),
                people,
                List.of(),
                false);
        Map<String, Metrics> bars = Tables.groups(r, Grouping.EMPLOYEE);
        assertThat(bars).hasSize(3);
        assertThat(bars.values().stream().map(Metrics::spendNanos)).containsExactly(300L, 200L, 100L);
        assertThat(bars.keySet()).contains("Sam Lee").allMatch(k -> k.startsWith("Alex Kim") || k.equals("Sam Lee"));
    }
}
