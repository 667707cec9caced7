package dev.tally.workload;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What the workloads report says (JSON as is; money in integer nano-dollars). docs/workloads.md. */
public final class WorkloadReport {

    private WorkloadReport() {}

    /** Calls and spend of one slice (a workload, a run, a model, a tool). */
    public record Usage(
            long requests,
            long errorRequests,
            long costNanos,
            long unpricedRequests,
            long inputTokens,
            long outputTokens) {
        static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0);

        Usage plus(Usage o) {
            return new Usage(
                    requests + o.requests,
                    errorRequests + o.errorRequests,
                    Math.addExact(costNanos, o.costNanos),
                    unpricedRequests + o.unpricedRequests,
                    inputTokens + o.inputTokens,
                    outputTokens + o.outputTokens);
        }
    }

    /**
     * One workload over the period, org-wide. {@code bugsCaught} = outcomes of kind {@code bug_caught}
     * and {@code security_finding} (a reviewer's or scanner's finding); each {@code costPer*} is the
     * priced spend divided by that count, rounded half-up to the nano-dollar, null when the count is 0.
     * {@code valueNanos}: what its outcomes are worth by the ROI model (dashboards/roi.yaml), as on the
     * team and org pages; {@code roiMultiple}: value ÷ priced spend, two decimals, null without priced
     * spend (unpriced calls are in {@code usage.unpricedRequests}, never counted as $0).
     */
    public record Row(
            String workload,
            List<TeamRef> teams,
            boolean service,
            Usage usage,
            long runs,
            Map<String, Long> outcomes,
            long bugsCaught,
            long prsMerged,
            long tasksAutomated,
            Long costPerBugCaughtNanos,
            Long costPerPrNanos,
            Long costPerTaskNanos,
            long valueNanos,
            BigDecimal roiMultiple,
            Tiers tiers) {}

    /**
     * The advisor pattern: the models of the cheapest and the dearest price level the workload used and
     * their shares of its priced spend (0-1, four decimals; empty and null with fewer than two priced
     * levels); {@code escalatedRuns}: runs that moved from their first model to a dearer one, and
     * {@code escalatedCalls} their calls on the dearer models.
     */
    public record Tiers(
            List<String> cheapestModels,
            BigDecimal cheapestSpendShare,
            List<String> dearestModels,
            BigDecimal dearestSpendShare,
            long escalatedRuns,
            long escalatedCalls) {
        static final Tiers NONE = new Tiers(List.of(), null, List.of(), null, 0, 0);
    }

    public record TeamRef(UUID id, String name) {}

    /** The workloads page: one row per workload, and adoption by tool. */
    public record Overview(LocalDate from, LocalDate to, List<Row> workloads, List<Tool> tools) {}

    /**
     * Adoption by tool: {@code people} is the distinct employees (never service keys) who used it
     * in the period, null for one workload's tools (who used a tool is not counted per workload);
     * usage includes service keys' calls.
     */
    public record Tool(String client, Long people, Usage usage) {}

    /**
     * A run: the calls that named it, from the first to the last. {@code outcomes}: the workload's
     * outcomes that occurred between them. {@code longest} / {@code mostExpensive} flag the run(s)
     * of the period with the greatest duration / spend; {@code escalatedCalls}: its calls on models
     * dearer than the model of its first call ({@code escalated} when there are any).
     */
    public record Run(
            String runId,
            UUID teamId,
            String team,
            Instant firstAt,
            Instant lastAt,
            long durationSeconds,
            Usage usage,
            long outcomes,
            boolean longest,
            boolean mostExpensive,
            boolean escalated,
            long escalatedCalls) {}

    /** A model's part of a workload's calls; {@code spendShare}: its share of the workload's priced spend, 0-1. */
    public record Model(String model, Usage usage, double spendShare) {}

    /** One workload in detail: its totals row, runs ending in the period (newest first), model mix, tools. */
    public record Detail(
            LocalDate from, LocalDate to, Row workload, List<Run> runs, List<Model> models, List<Tool> tools) {}
}
