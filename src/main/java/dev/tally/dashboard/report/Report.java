package dev.tally.dashboard.report;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.UUID;

import dev.tally.dashboard.roi.Metrics;

/**
 * Everything one page or report shows for a scope (the org, or one team) and a period, read from
 * rollups only. Previous-period figures are there for the change columns.
 *
 * @param team       the team of a team report; null for the org
 * @param teams      every team of the scope, in name order; for the org then the unknown teams with usage
 *                   or outcomes in either period, by id
 * @param byDepartment department → the sum of its teams shown, with its people active counted once
 * @param byModel    key = model name (a model reached through several providers is one row)
 * @param modelProviders model name → the provider(s) its calls went through, comma-separated
 * @param employees  team reports only (the org report never scans per employee)
 * @param mergedPrs  team reports only: merged PRs of the period with the attribution rules that fired
 */
public record Report(
        TeamInfo team,
        Period period,
        Period previousPeriod,
        Metrics total,
        Metrics previousTotal,
        List<TeamInfo> teams,
        Map<UUID, Metrics> byTeam,
        Map<UUID, Metrics> previousByTeam,
        SortedMap<String, Metrics> byDepartment,
        Map<String, Metrics> byModel,
        Map<String, String> modelProviders,
        SortedMap<LocalDate, Metrics> byDay,
        List<EmployeeRow> employees,
        List<PrRow> mergedPrs,
        boolean demoData) {

    /**
     * @param known false for a team id that events name but the {@code team} table does not hold (another
     *              producer's, or a team deleted since): shown, so its money is in the totals, without a page
     */
    public record TeamInfo(UUID id, String name, String department, boolean known) {

        /** The department every unknown team is shown in. */
        public static final String UNKNOWN_DEPARTMENT = "(unknown)";

        public TeamInfo(UUID id, String name, String department) {
            this(id, name, department, true);
        }

        /** A team id the events name that is not in the {@code team} table. */
        public static TeamInfo unknown(UUID id) {
            return new TeamInfo(id, "(unknown team " + id.toString().substring(0, 8) + ")", UNKNOWN_DEPARTMENT, false);
        }

        public boolean unassigned() {
            return id.equals(dev.tally.identity.Team.UNASSIGNED);
        }
    }

    /**
     * @param member a current member of the team; false for someone who made calls for it in the period
     *               and has moved to another team since (or whom the employee table no longer holds)
     */
    public record EmployeeRow(UUID id, String name, String email, Metrics metrics, boolean member) {

        public EmployeeRow(UUID id, String name, String email, Metrics metrics) {
            this(id, name, email, metrics, true);
        }
    }

    public record PrRow(
            String id,
            String ref,
            Instant occurredAt,
            String employee,
            boolean aiAssisted,
            List<String> attribution,
            String source) {}

    /**
     * People of a team's report who are not on the team now: members who left it during or since the
     * period, or people who made calls for it without being its members. Counted among its people (so
     * adoption stays at or below 100 %) and named on the page.
     */
    public long formerMembers() {
        return employees.stream().filter(e -> !e.member()).count();
    }

    public Metrics teamMetrics(UUID id) {
        return byTeam.getOrDefault(id, Metrics.ZERO);
    }

    public Metrics previousTeamMetrics(UUID id) {
        return previousByTeam.getOrDefault(id, Metrics.ZERO);
    }
}
