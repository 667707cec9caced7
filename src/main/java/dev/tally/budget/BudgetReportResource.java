package dev.tally.budget;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.tally.access.Viewer;
import dev.tally.access.Viewers;
import dev.tally.dashboard.report.CsvDownload;
import dev.tally.dashboard.report.Table;
import dev.tally.platform.time.OrgCalendar;

/**
 * {@code GET /api/reports/budgets}: every budget in its current period, as JSON (money in
 * nano-dollars) or, with {@code ?format=csv}, as CSV like the other reports. Leaders and admins
 * read every budget; a team lead reads those their team pages show: their teams' own and their
 * people's and keys'.
 */
@Path("/api/reports/budgets")
public class BudgetReportResource {

    /** The report: the organisation's zone (where the periods begin) and one row per budget. */
    public record Report(String timezone, List<BudgetStatus> budgets) {}

    private final BudgetStatusService statuses;
    private final OrgCalendar calendar;
    private final Viewers viewers;

    public BudgetReportResource(BudgetStatusService statuses, OrgCalendar calendar, Viewers viewers) {
        this.viewers = viewers;
        this.statuses = statuses;
        this.calendar = calendar;
    }

    @GET
    public Response report(@QueryParam("format") String format) {
        Viewer viewer = viewers.current();
        viewer.requireReports();
        List<BudgetStatus> rows = readBy(viewer, statuses.current());
        if (CsvDownload.wanted(format)) {
            return CsvDownload.attachment("tally-budgets.csv", table(rows));
        }
        return Response.ok(new Report(calendar.zone().getId(), rows), MediaType.APPLICATION_JSON)
                .build();
    }

    /**
     * The budgets {@code viewer} reads: every one when they see all teams; a team lead's, those their
     * team pages show, each team's own and those of its people and keys (whose link is the team's
     * page), not the org's, a department's or another team's, whose spend is not theirs to read.
     */
    public static List<BudgetStatus> readBy(Viewer viewer, List<BudgetStatus> rows) {
        if (viewer.seesAllTeams()) {
            return rows;
        }
        Set<String> pages = new HashSet<>();
        for (UUID team : viewer.teamIds()) {
            pages.add("/teams/" + team);
        }
        return rows.stream().filter(r -> pages.contains(r.link())).toList();
    }

    static Table table(List<BudgetStatus> rows) {
        List<Table.Column> cols = new ArrayList<>();
        for (String c : List.of(
                "budgetId",
                "name",
                "scope",
                "scopeId",
                "scopeName",
                "period",
                "mode",
                "periodStart",
                "periodEnd",
                "spentNanos",
                "limitNanos",
                "projectedNanos",
                "percent",
                "state",
                "unpricedCalls",
                "downgradeFromNanos")) {
            cols.add(new Table.Column(c, c, c.endsWith("Nanos") || c.equals("percent") || c.equals("unpricedCalls")));
        }
        List<Table.Row> out = new ArrayList<>();
        for (BudgetStatus s : rows) {
            List<Object> v = new ArrayList<>(List.of(
                    s.budgetId(),
                    s.name(),
                    s.scope().json(),
                    s.scopeId() == null ? "" : s.scopeId(),
                    s.scopeName(),
                    s.period().json(),
                    s.mode().json(),
                    s.periodStart(),
                    s.periodEnd(),
                    s.spentNanos(),
                    s.limitNanos()));
            v.add(s.projectedNanos() == null ? "" : s.projectedNanos());
            v.add(s.percent() == null ? "" : s.percent());
            v.add(s.state().json());
            v.add(s.unpricedCalls());
            v.add(s.downgradeFromNanos() == null ? "" : s.downgradeFromNanos());
            out.add(new Table.Row(v.stream().map(Table.Cell::plain).toList(), null));
        }
        return new Table("budgets", "Budgets", cols, out, null);
    }
}
