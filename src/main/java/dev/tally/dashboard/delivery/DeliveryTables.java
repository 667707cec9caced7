package dev.tally.dashboard.delivery;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;

import dev.tally.dashboard.delivery.DeliveryMetric.Unit;
import dev.tally.dashboard.report.Table;
import dev.tally.dashboard.report.Table.Cell;
import dev.tally.dashboard.report.Table.Column;
import dev.tally.dashboard.report.Table.Row;
import dev.tally.dashboard.roi.Format;

/**
 * Delivery as tables: what the pages draw and the CSV downloads carry, cell by cell (display text
 * and exact value), so page, CSV and JSON show the same figures.
 */
public final class DeliveryTables {

    /** The CSV table names, as {@code ?format=csv&table=}. */
    public static final String METRICS = "delivery";

    public static final String COHORTS = "delivery_cohorts";
    public static final String TREND = "delivery_trend";
    public static final String PRS = "delivery_prs";
    public static final String TEAMS = "delivery_teams";

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private DeliveryTables() {}

    /** The table a CSV request names, or null when the name is not a delivery table of this scope. */
    public static Table named(String name, DeliveryReport d, boolean org) {
        return switch (name) {
            case METRICS -> metrics(d);
            case COHORTS -> cohorts(d);
            case TREND -> trend(d);
            case PRS -> org ? null : prs(d);
            case TEAMS -> org ? teams(d, team -> true) : null;
            default -> null;
        };
    }

    public static String names(boolean org) {
        return String.join(", ", METRICS, COHORTS, TREND, org ? TEAMS : PRS);
    }

    public static Table metrics(DeliveryReport d) {
        List<Column> cols = List.of(
                new Column("Metric", "metric", false),
                new Column("AI-assisted", "ai_value", true),
                new Column("95% interval", "ai_low", true),
                new Column("", "ai_high", true, true),
                new Column("n", "ai_n", true),
                new Column("Others", "other_value", true),
                new Column("95% interval", "other_low", true),
                new Column("", "other_high", true, true),
                new Column("n", "other_n", true),
                new Column("What it says", "verdict", false));
        List<Row> rows = new ArrayList<>();
        for (Comparison c : d.comparisons()) {
            Unit u = c.metric().unit();
            List<Cell> cells = new ArrayList<>();
            cells.add(Cell.of(c.metric().label(), c.metric().key()));
            figure(cells, c.ai(), u);
            figure(cells, c.other(), u);
            cells.add(new Cell(
                    verdict(c),
                    c.verdict().name().toLowerCase(Locale.ROOT),
                    null,
                    "verdict-" + c.verdict().name().toLowerCase(Locale.ROOT).replace('_', '-')));
            rows.add(new Row(cells, ""));
        }
        return new Table(METRICS, "AI-assisted PRs against the rest", cols, rows, null);
    }

    private static void figure(List<Cell> cells, Figure f, Unit u) {
        String text = DeliveryFormat.text(f.value(), u);
        boolean thin = f.value() != null && !f.enough();
        cells.add(new Cell(text, DeliveryFormat.csv(f.value(), u), null, thin ? "thin" : ""));
        String interval = f.interval() != null
                ? DeliveryFormat.interval(f.interval(), u)
                : f.value() == null
                        ? ""
                        : !f.enough() ? "not enough data" : u == Unit.COUNT || u == Unit.ROUNDS ? "" : "n too small";
        cells.add(new Cell(
                interval,
                f.interval() == null ? "" : DeliveryFormat.csv(f.interval().low(), u),
                null,
                f.interval() == null && !interval.isEmpty() ? "thin" : ""));
        cells.add(Cell.of(
                "", f.interval() == null ? "" : DeliveryFormat.csv(f.interval().high(), u)));
        cells.add(Cell.of(Integer.toString(f.n()), Integer.toString(f.n())));
    }

    /** The verdict column: which group is lower, or why nothing is claimed. */
    static String verdict(Comparison c) {
        return switch (c.verdict()) {
            case NOT_COMPARED -> "";
            case NOT_ENOUGH_DATA -> "not enough data";
            case NO_INTERVAL -> "descriptive only";
            case WITHIN_NOISE -> "within the noise";
            case AI_LOWER -> c.metric().lowerIsBetter() ? "AI-assisted lower ▲" : "AI-assisted lower";
            case AI_HIGHER -> c.metric().lowerIsBetter() ? "AI-assisted higher ▼" : "AI-assisted higher";
        };
    }

    public static Table cohorts(DeliveryReport d) {
        List<Column> cols = List.of(
                new Column("AI use", "cohort", false),
                new Column("Gateway calls", "calls_per_week", false),
                new Column("Engineers", "engineers", true),
                new Column("Merged PRs", "prs", true),
                new Column("of them AI-assisted", "prs_ai", true),
                new Column("PRs per engineer per week (median)", "prs_per_engineer_week_median", true),
                new Column("95% interval", "prs_per_engineer_week_low", true),
                new Column("", "prs_per_engineer_week_high", true, true));
        List<Row> rows = new ArrayList<>();
        for (CohortRow c : d.cohorts()) {
            Figure f = c.prsPerEngineerWeek();
            String interval = f.interval() != null
                    ? String.format(
                            Locale.ROOT,
                            "%.2f–%.2f",
                            f.interval().low(),
                            f.interval().high())
                    : c.engineers() == 0 ? "" : !f.enough() ? "not enough data" : "n too small";
            rows.add(new Row(
                    List.of(
                            Cell.of(c.cohort().label(), c.cohort().key()),
                            Cell.of(c.range(), c.range()),
                            Cell.of(Integer.toString(c.engineers()), Integer.toString(c.engineers())),
                            Cell.of(Integer.toString(c.prs()), Integer.toString(c.prs())),
                            Cell.of(Integer.toString(c.prsAi()), Integer.toString(c.prsAi())),
                            new Cell(
                                    DeliveryFormat.perWeek(f.value()),
                                    DeliveryFormat.csv(f.value(), Unit.ROUNDS),
                                    null,
                                    f.value() != null && !f.enough() ? "thin" : ""),
                            new Cell(
                                    interval,
                                    f.interval() == null
                                            ? ""
                                            : DeliveryFormat.csv(f.interval().low(), Unit.ROUNDS),
                                    null,
                                    f.interval() == null ? "thin" : ""),
                            Cell.of(
                                    "",
                                    f.interval() == null
                                            ? ""
                                            : DeliveryFormat.csv(f.interval().high(), Unit.ROUNDS))),
                    ""));
        }
        return new Table(COHORTS, "Throughput by AI use", cols, rows, null);
    }

    public static Table trend(DeliveryReport d) {
        List<Column> cols = List.of(
                new Column("Week", "from", false),
                new Column("", "to", false, true),
                new Column("People", "people", true),
                new Column("Using AI", "ai_users", true),
                new Column("Share using AI", "ai_share_percent", true),
                new Column("Merged PRs", "prs", true),
                new Column("AI-assisted", "prs_ai", true),
                new Column("Authors", "authors", true),
                new Column("PRs per author", "prs_per_author", true),
                new Column("Cycle time, median", "cycle_hours_median", true),
                new Column("n", "cycle_n", true));
        List<Row> rows = new ArrayList<>();
        for (TrendWeek w : d.trend()) {
            rows.add(new Row(
                    List.of(
                            Cell.of(w.from() + " – " + w.to(), w.from().toString()),
                            Cell.of("", w.to().toString()),
                            count(w.people()),
                            count(w.aiUsers()),
                            Cell.of(
                                    DeliveryFormat.percent(w.aiSharePercent()),
                                    plain(DeliveryFormat.number(w.aiSharePercent(), 1))),
                            count(w.prs()),
                            count(w.prsAi()),
                            count(w.authors()),
                            Cell.of(
                                    DeliveryFormat.perWeek(w.prsPerAuthor()),
                                    DeliveryFormat.csv(w.prsPerAuthor(), Unit.ROUNDS)),
                            Cell.of(
                                    DeliveryFormat.text(w.cycleMedian().value(), Unit.HOURS),
                                    DeliveryFormat.csv(w.cycleMedian().value(), Unit.HOURS)),
                            count(w.cycleMedian().n())),
                    ""));
        }
        return new Table(TREND, "Week by week", cols, rows, null);
    }

    public static Table prs(DeliveryReport d) {
        List<Column> cols = List.of(
                new Column("Merged (UTC)", "merged_at", false),
                new Column("PR", "pr", false),
                new Column("Author", "author", false),
                new Column("AI-assisted", "ai_assisted", false),
                new Column("Opened (UTC)", "opened_at", false),
                new Column("First review (UTC)", "first_review_at", false),
                new Column("Cycle time", "cycle_hours", true),
                new Column("To first review", "first_review_hours", true),
                new Column("Added", "additions", true),
                new Column("Deleted", "deletions", true),
                new Column("Commits", "commits", true),
                new Column("Review rounds", "review_rounds", true),
                new Column("Reverted", "reverted", false),
                new Column("Hot-fixed", "hotfixed", false),
                new Column("Outcome id", "id", false, true));
        List<Row> rows = new ArrayList<>();
        for (PrRecord p : d.prs()) {
            rows.add(new Row(
                    List.of(
                            Cell.of(MINUTE.format(p.mergedAt()), p.mergedAt().toString()),
                            Cell.of(p.repository() + "#" + p.number(), p.repository() + "#" + p.number()),
                            Cell.of(nz(p.author()), nz(p.author())),
                            yes(p.aiAssisted()),
                            Cell.of(
                                    p.openedAt() == null ? "" : MINUTE.format(p.openedAt()),
                                    p.openedAt() == null ? "" : p.openedAt().toString()),
                            Cell.of(
                                    p.firstReviewAt() == null ? "" : MINUTE.format(p.firstReviewAt()),
                                    p.firstReviewAt() == null
                                            ? ""
                                            : p.firstReviewAt().toString()),
                            Cell.of(
                                    DeliveryFormat.text(p.cycleHours(), Unit.HOURS),
                                    DeliveryFormat.csv(p.cycleHours(), Unit.HOURS)),
                            Cell.of(
                                    DeliveryFormat.text(p.firstReviewHours(), Unit.HOURS),
                                    DeliveryFormat.csv(p.firstReviewHours(), Unit.HOURS)),
                            optional(p.additions()),
                            optional(p.deletions()),
                            optional(p.commits()),
                            optional(p.reviewRounds()),
                            yes(p.reverted()),
                            yes(p.hotfixed()),
                            new Cell(p.id(), p.id(), null, "id")),
                    ""));
        }
        return new Table(PRS, "Merged PRs and their delivery facts", cols, rows, null);
    }

    /** {@code linked}: the teams whose names link to their pages; an unknown team (no page) never links. */
    public static Table teams(DeliveryReport d, Predicate<UUID> linked) {
        List<Column> cols = List.of(
                new Column("Team", "team", false),
                new Column("AI-assisted PRs", "prs_ai", true),
                new Column("Other PRs", "prs_other", true),
                new Column("Cycle median, AI-assisted", "cycle_hours_median_ai", true),
                new Column("Cycle median, others", "cycle_hours_median_other", true),
                new Column("Difference", "cycle_verdict", false),
                new Column("Reverted, AI-assisted", "revert_rate_ai", true),
                new Column("Reverted, others", "revert_rate_other", true),
                new Column("Assumed h per AI PR", "assumed_hours", true),
                new Column("Measured h per AI PR", "measured_hours", true),
                new Column("Measured verdict rests on", "basis", false),
                new Column("ROI, assumed", "roi_assumed", true),
                new Column("ROI, measured", "roi_measured", true),
                new Column("Team id", "team_id", false, true));
        List<Row> rows = new ArrayList<>();
        for (DeliveryReport.TeamRow t : d.teams()) {
            Comparison cycle = t.comparison(DeliveryMetric.CYCLE_MEDIAN);
            Comparison revert = t.comparison(DeliveryMetric.REVERT_RATE);
            Assumption a = t.assumption();
            rows.add(new Row(
                    List.of(
                            new Cell(
                                    t.team().name(),
                                    t.team().name(),
                                    t.team().known() && linked.test(t.team().id())
                                            ? "/teams/" + t.team().id()
                                            : null,
                                    ""),
                            count(t.comparison(DeliveryMetric.MERGED_PRS).ai().n()),
                            count(t.comparison(DeliveryMetric.MERGED_PRS)
                                    .other()
                                    .n()),
                            figure(cycle.ai(), Unit.HOURS),
                            figure(cycle.other(), Unit.HOURS),
                            new Cell(verdict(cycle), cycle.verdict().name().toLowerCase(Locale.ROOT), null, ""),
                            figure(revert.ai(), Unit.RATE),
                            figure(revert.other(), Unit.RATE),
                            Cell.of(
                                    DeliveryFormat.plain(a.assumedHours()).toPlainString() + " h",
                                    DeliveryFormat.plain(a.assumedHours()).toPlainString()),
                            Cell.of(
                                    a.measuredHours() == null
                                            ? "–"
                                            : DeliveryFormat.plain(a.measuredHours())
                                                            .toPlainString() + " h",
                                    a.measuredHours() == null
                                            ? ""
                                            : DeliveryFormat.plain(a.measuredHours())
                                                    .toPlainString()),
                            Cell.of(basis(a.basis()), a.basis().key()),
                            multiple(a.roiAssumed(), a.paysAssumed()),
                            multiple(a.roiMeasured(), a.paysMeasured()),
                            new Cell(t.team().id().toString(), t.team().id().toString(), null, "id")),
                    ""));
        }
        return new Table(TEAMS, "Assumed against measured, per team", cols, rows, null);
    }

    static String basis(Assumption.Basis b) {
        return switch (b) {
            case MEASURED -> "measurement";
            case MEASURED_NO_DIFFERENCE -> "measurement: no difference (0 h)";
            case ASSUMED -> "assumption: not enough data";
        };
    }

    private static Cell figure(Figure f, Unit u) {
        return new Cell(
                DeliveryFormat.text(f.value(), u),
                DeliveryFormat.csv(f.value(), u),
                null,
                f.value() != null && !f.enough() ? "thin" : "");
    }

    private static Cell multiple(BigDecimal m, boolean pays) {
        return new Cell(
                m == null ? "n/a" : m.toPlainString() + "×",
                m == null ? "" : m.toPlainString(),
                null,
                m == null ? "" : pays ? "verdict pays" : "verdict costs");
    }

    private static Cell count(long n) {
        return Cell.of(Format.count(n), Long.toString(n));
    }

    private static Cell optional(Integer n) {
        return n == null ? Cell.of("", "") : count(n);
    }

    private static Cell yes(boolean b) {
        return new Cell(b ? "yes" : "no", Boolean.toString(b), null, b ? "ai" : "");
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String plain(BigDecimal b) {
        return b == null ? "" : b.toPlainString();
    }
}
