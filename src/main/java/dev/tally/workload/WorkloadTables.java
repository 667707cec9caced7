package dev.tally.workload;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import dev.tally.dashboard.report.Table;
import dev.tally.dashboard.report.Table.Cell;
import dev.tally.dashboard.report.Table.Column;
import dev.tally.dashboard.report.Table.Row;
import dev.tally.dashboard.roi.Format;
import dev.tally.workload.WorkloadReport.Model;
import dev.tally.workload.WorkloadReport.Run;
import dev.tally.workload.WorkloadReport.TeamRef;
import dev.tally.workload.WorkloadReport.Tool;
import dev.tally.workload.WorkloadReport.Usage;

/**
 * The workloads report as tables, for the pages and the CSV: money as USD with nine decimals (so a
 * CSV column sums to the nano-dollar totals), and "unpriced" never shown as $0.
 */
public final class WorkloadTables {

    /** A run's start and end as the page shows them (the CSV keeps the exact instant). */
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private WorkloadTables() {}

    public static Table workloads(List<WorkloadReport.Row> rows) {
        List<Column> cols = List.of(
                new Column("Workload", "workload", false),
                new Column("Teams", "teams", false),
                new Column("Service key", "service", false, true),
                new Column("Calls", "requests", true),
                new Column("Spend", "spend_usd", true),
                new Column("Unpriced calls", "unpriced_requests", true),
                new Column("Value (ROI model)", "value_usd", true),
                new Column("ROI", "roi_multiple", true),
                new Column("Runs", "runs", true),
                new Column("Bugs caught", "bugs_caught", true),
                new Column("Cost per bug caught", "cost_per_bug_caught_usd", true),
                new Column("PRs merged", "prs_merged", true),
                new Column("Cost per PR", "cost_per_pr_usd", true),
                new Column("Tasks automated", "tasks_automated", true),
                new Column("Cost per task", "cost_per_task_usd", true));
        List<Row> out = new ArrayList<>();
        for (WorkloadReport.Row r : rows) {
            String teams =
                    String.join("; ", r.teams().stream().map(TeamRef::name).toList());
            out.add(new Row(
                    List.of(
                            new Cell(r.workload(), r.workload(), "/workloads/" + r.workload(), ""),
                            Cell.of(teams, teams),
                            Cell.of(r.service() ? "yes" : "", Boolean.toString(r.service())),
                            count(r.usage().requests()),
                            spend(r.usage()),
                            count(r.usage().unpricedRequests()),
                            value(r),
                            roi(r),
                            count(r.runs()),
                            count(r.bugsCaught()),
                            costPer(r, r.costPerBugCaughtNanos(), r.bugsCaught()),
                            count(r.prsMerged()),
                            costPer(r, r.costPerPrNanos(), r.prsMerged()),
                            count(r.tasksAutomated()),
                            costPer(r, r.costPerTaskNanos(), r.tasksAutomated())),
                    ""));
        }
        return new Table("workloads", "Workloads", cols, out, null);
    }

    /** The advisor pattern per workload: spend on the cheapest and the dearest model tier, and escalations. */
    public static Table tiers(List<WorkloadReport.Row> rows) {
        List<Column> cols = List.of(
                new Column("Workload", "workload", false),
                new Column("Cheapest tier", "cheapest_models", false),
                new Column("Its share of spend", "cheapest_spend_share", true),
                new Column("Dearest tier", "dearest_models", false),
                new Column("Its share of spend", "dearest_spend_share", true),
                new Column("Runs that escalated", "escalated_runs", true),
                new Column("Calls on the dearer model", "escalated_calls", true));
        List<Row> out = new ArrayList<>();
        for (WorkloadReport.Row r : rows) {
            WorkloadReport.Tiers t = r.tiers();
            String cheap = String.join(", ", t.cheapestModels());
            String dear = String.join(", ", t.dearestModels());
            out.add(new Row(
                    List.of(
                            new Cell(r.workload(), r.workload(), "/workloads/" + r.workload(), ""),
                            Cell.of(cheap.isEmpty() ? "one price level" : cheap, cheap),
                            share(t.cheapestSpendShare()),
                            Cell.of(dear.isEmpty() ? "–" : dear, dear),
                            share(t.dearestSpendShare()),
                            count(t.escalatedRuns()),
                            count(t.escalatedCalls())),
                    ""));
        }
        return new Table("tiers", "Model tiers and escalations", cols, out, null);
    }

    public static Table runs(List<Run> runs) {
        List<Column> cols = List.of(
                new Column("Run", "run_id", false),
                new Column("Team", "team", false),
                new Column("Started", "first_at", false),
                new Column("Ended", "last_at", false),
                new Column("Duration", "duration_seconds", true),
                new Column("Calls", "requests", true),
                new Column("Spend", "spend_usd", true),
                // every team's: an outcome names its workload but no run, and a workload's outcomes often land
                // on other teams than the one whose key ran it (a reviewer's findings go to the PR's team)
                new Column("Outcomes in window, all teams", "outcomes", true),
                new Column("Escalated", "escalated_calls", true),
                new Column("Flag", "flag", false));
        List<Row> out = new ArrayList<>();
        for (Run r : runs) {
            String flag = (r.longest() ? "longest" : "")
                    + (r.longest() && r.mostExpensive() ? ", " : "")
                    + (r.mostExpensive() ? "most expensive" : "");
            out.add(new Row(
                    List.of(
                            Cell.of(r.runId(), r.runId()),
                            Cell.of(r.team(), r.team()),
                            Cell.of(TIME.format(r.firstAt()), r.firstAt().toString()),
                            Cell.of(TIME.format(r.lastAt()), r.lastAt().toString()),
                            Cell.of(duration(r.durationSeconds()), Long.toString(r.durationSeconds())),
                            count(r.usage().requests()),
                            spend(r.usage()),
                            count(r.outcomes()),
                            Cell.of(
                                    r.escalated() ? String.format("%,d calls", r.escalatedCalls()) : "",
                                    Long.toString(r.escalatedCalls())),
                            Cell.of(flag, flag)),
                    flag.isEmpty() ? "" : "flagged"));
        }
        return new Table("runs", "Runs", cols, out, null);
    }

    public static Table models(List<Model> models) {
        List<Column> cols = List.of(
                new Column("Model", "model", false),
                new Column("Calls", "requests", true),
                new Column("Spend", "spend_usd", true),
                new Column("Share of spend", "spend_share", true),
                new Column("Unpriced calls", "unpriced_requests", true));
        List<Row> out = new ArrayList<>();
        for (Model m : models) {
            out.add(new Row(
                    List.of(
                            Cell.of(m.model(), m.model()),
                            count(m.usage().requests()),
                            spend(m.usage()),
                            Cell.of(Math.round(m.spendShare() * 100) + " %", String.format("%.4f", m.spendShare())),
                            count(m.usage().unpricedRequests())),
                    ""));
        }
        return new Table("models", "Model mix", cols, out, null);
    }

    public static Table tools(List<Tool> tools) {
        List<Column> cols = List.of(
                new Column("Tool", "client", false),
                new Column("People", "people", true),
                new Column("Calls", "requests", true),
                new Column("Spend", "spend_usd", true));
        List<Row> out = new ArrayList<>();
        for (Tool t : tools) {
            Usage u = t.usage();
            out.add(new Row(
                    List.of(
                            Cell.of(t.client(), t.client()),
                            t.people() == null ? Cell.of("–", "") : count(t.people()),
                            count(u.requests()),
                            spend(u)),
                    ""));
        }
        return new Table("tools", "Adoption by tool", cols, out, null);
    }

    /** Spend as priced; a slice whose calls were all unpriced says so instead of $0. */
    private static Cell spend(Usage u) {
        if (u.costNanos() == 0 && u.unpricedRequests() > 0) {
            return Cell.of("unpriced", "");
        }
        return money(u.costNanos());
    }

    /** Priced spend per outcome; "unpriced" when there were outcomes but every call was unpriced. */
    private static Cell costPer(WorkloadReport.Row r, Long nanos, long count) {
        if (nanos == null && count > 0 && r.usage().unpricedRequests() > 0) {
            return Cell.of("unpriced", "");
        }
        return money(nanos);
    }

    /** A workload without outcomes tied to it has no measured value (people's outcomes count for their teams). */
    private static Cell value(WorkloadReport.Row r) {
        return r.outcomes().isEmpty()
                ? Cell.of("–", BigDecimal.valueOf(r.valueNanos(), 9).toPlainString())
                : money(r.valueNanos());
    }

    /** Value ÷ priced spend; "unpriced" when all spend was unpriced, "–" without spend. */
    private static Cell roi(WorkloadReport.Row r) {
        if (r.outcomes().isEmpty()) {
            return Cell.of(
                    "no outcomes tied",
                    r.roiMultiple() == null ? "" : r.roiMultiple().toPlainString());
        }
        if (r.roiMultiple() == null) {
            return Cell.of(r.usage().unpricedRequests() > 0 ? "unpriced" : "–", "");
        }
        // some calls unpriced: their cost is unknown, so the multiple is an upper bound
        String bound = r.usage().unpricedRequests() > 0 ? "≤ " : "";
        return Cell.of(
                bound + r.roiMultiple().toPlainString() + "×", r.roiMultiple().toPlainString());
    }

    private static Cell share(BigDecimal share) {
        if (share == null) {
            return Cell.of("–", "");
        }
        return Cell.of(share.movePointRight(2).setScale(1, RoundingMode.HALF_UP) + " %", share.toPlainString());
    }

    private static Cell count(long n) {
        return Cell.of(String.format("%,d", n), Long.toString(n));
    }

    private static Cell money(Long nanos) {
        if (nanos == null) {
            return Cell.of("–", "");
        }
        return Cell.of(usd(nanos), BigDecimal.valueOf(nanos, 9).toPlainString());
    }

    /** Money as every page shows it ({@link Format#money}: "$22,144.27", "<$0.01", "$1.23M"). */
    public static String usd(long nanos) {
        return Format.money(nanos);
    }

    private static String duration(long seconds) {
        return seconds >= 3600
                ? String.format("%dh %02dm", seconds / 3600, seconds % 3600 / 60)
                : seconds >= 60 ? String.format("%dm %02ds", seconds / 60, seconds % 60) : seconds + "s";
    }
}
