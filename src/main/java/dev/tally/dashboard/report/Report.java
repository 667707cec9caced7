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
 * @param teams      every team of the scope, in name order
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

    public record TeamInfo(UUID id, String name, String department) {
        public boolean unassigned() {
            return id.equals(dev.tally.identity.Team.UNASSIGNED);
        }
    }

    public record EmployeeRow(UUID id, String name, String email, Metrics metrics) {}

    public record PrRow(
            String id,
            String ref,
            Instant occurredAt,
            String employee,
            boolean aiAssisted,
            List<String> attribution,
            String source) {}

    public Metrics teamMetrics(UUID id) {
        return byTeam.getOrDefault(id, Metrics.ZERO);
    }

    public Metrics previousTeamMetrics(UUID id) {
        return previousByTeam.getOrDefault(id, Metrics.ZERO);
    }
}
