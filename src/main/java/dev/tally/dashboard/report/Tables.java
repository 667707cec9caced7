package dev.tally.dashboard.report;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.tally.dashboard.definition.Dashboard.Grouping;
import dev.tally.dashboard.report.Report.TeamInfo;
import dev.tally.dashboard.report.Table.Cell;
import dev.tally.dashboard.report.Table.Column;
import dev.tally.dashboard.report.Table.Row;
import dev.tally.dashboard.roi.Format;
import dev.tally.dashboard.roi.Metric;
import dev.tally.dashboard.roi.Metrics;

/** Turns a {@link Report} into the tables a panel or CSV download asks for. */
public final class Tables {

    private static final Pattern NEGATIVE = Pattern.compile("-[0-9]+(\\.[0-9]+)?");

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private Tables() {}

    /** Groups of a report for a bar chart or table, in display order (largest first by the first metric). */
    public static Map<String, Metrics> groups(Report r, Grouping g) {
        Map<String, Metrics> out = new LinkedHashMap<>();
        switch (g) {
            case TEAM -> r.teams().forEach(t -> out.put(t.name(), r.teamMetrics(t.id())));
            case DEPARTMENT -> byDepartment(r).forEach(out::put);
            // An unpriced model has no spend bar: its label says why, so an empty bar never reads as "free".
            case MODEL ->
                r.byModel()
                        .forEach((k, m) ->
                                out.put(m.spendNanos() == 0 && m.unpricedRequests() > 0 ? k + " (unpriced)" : k, m));
            case EMPLOYEE -> {
                // One bar per person, as the table has one row each: two people of one name are told apart by
                // e-mail, never drawn as one bar with their spend added.
                Map<String, Long> named = r.employees().stream()
                        .collect(Collectors.groupingBy(Report.EmployeeRow::name, Collectors.counting()));
                r.employees()
                        .forEach(e -> out.put(
                                named.get(e.name()) > 1 ? e.name() + " <" + e.email() + ">" : e.name(), e.metrics()));
            }
            case MERGED_PRS -> throw new IllegalArgumentException("merged_prs is not a metric grouping");
        }
        return out;
    }

    public static Map<String, Metrics> byDepartment(Report r) {
        return r.byDepartment();
    }

    public static Table table(String id, String title, Report r, Grouping g, List<Metric> metrics, String query) {
        return table(id, title, r, g, metrics, query, team -> true);
    }

    /**
     * {@code linked}: the teams whose names link to their pages (those the viewer may open; a CSV has no
     * links); an unknown team never links.
     */
    public static Table table(
            String id, String title, Report r, Grouping g, List<Metric> metrics, String query, Predicate<UUID> linked) {
        return switch (g) {
            case TEAM -> teams(id, title, r, metrics, query, linked);
            case MERGED_PRS -> mergedPrs(id, title, r);
            case DEPARTMENT ->
                grouped(id, title, "Department", "department", byDepartment(r), metrics, r.total(), true);
            case MODEL -> models(id, title, r, metrics);
            case EMPLOYEE -> employees(id, title, r, metrics);
        };
    }

    private static List<Column> metricColumns(List<Metric> metrics) {
        List<Column> cols = new ArrayList<>();
        for (Metric m : metrics) {
            cols.add(new Column(
                    m.label(),
                    m.key()
                            + (m.unit() == Metric.Unit.MONEY ? "_usd" : "")
                            + (m.unit() == Metric.Unit.PERCENT ? "_percent" : ""),
                    true));
        }
        return cols;
    }

    private static List<Cell> metricCells(List<Metric> metrics, Metrics m) {
        List<Cell> cells = new ArrayList<>();
        for (Metric metric : metrics) {
            String css = "";
            if ((metric == Metric.UNPRICED_REQUESTS || metric == Metric.UNPRICED_TOKENS)
                    && ((Number) metric.raw(m)).longValue() > 0) {
                css = "unpriced";
            }
            // a row whose usage is all unpriced: Format says "unpriced" rather than "$0.00", marked as such
            if (metric == Metric.SPEND && m.spendNanos() == 0 && m.unpricedRequests() > 0) {
                css = "unpriced";
            }
            cells.add(new Cell(Format.value(metric, m), Format.plain(metric, m), null, css));
        }
        return cells;
    }

    private static Table teams(
            String id, String title, Report r, List<Metric> metrics, String query, Predicate<UUID> linked) {
        List<Column> cols = new ArrayList<>(List.of(
                new Column("Team", "team", false),
                new Column("Department", "department", false),
                new Column("Verdict", "verdict", false)));
        cols.addAll(metricColumns(metrics));
        cols.add(new Column("Team id", "team_id", false, true));
        List<TeamInfo> sorted = new ArrayList<>(r.teams());
        // Best return first: a leader reads the top of the table for "who pays off".
        sorted.sort(Comparator.comparing(
                        (TeamInfo t) -> r.teamMetrics(t.id()).roiMultiple(),
                        Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(TeamInfo::name));
        List<Row> rows = new ArrayList<>();
        for (TeamInfo t : sorted) {
            Metrics m = r.teamMetrics(t.id());
            List<Cell> cells = new ArrayList<>();
            cells.add(new Cell(
                    t.name(), t.name(), t.known() && linked.test(t.id()) ? "/teams/" + t.id() + query : null, ""));
            cells.add(Cell.of(t.department(), t.department()));
            cells.add(verdict(m));
            cells.addAll(metricCells(metrics, m));
            cells.add(new Cell(t.id().toString(), t.id().toString(), null, "id"));
            rows.add(new Row(cells, rowClass(m)));
        }
        List<Cell> total = new ArrayList<>(List.of(Cell.of("Total", "TOTAL"), Cell.of("", ""), verdict(r.total())));
        total.addAll(metricCells(metrics, r.total()));
        total.add(Cell.of("", ""));
        return new Table(id, title, cols, rows, new Row(total, "total"));
    }

    /** "Returns 2.4×" / "Costs more than it returns" / "No priced spend": the org page's at-a-glance answer. */
    public static Cell verdict(Metrics m) {
        if (m.spendNanos() <= 0) {
            return new Cell(
                    m.valueNanos() > 0 ? "Value without priced spend" : "No priced spend",
                    "no_spend",
                    null,
                    "verdict none");
        }
        if (m.paysOff()) {
            return new Cell(
                    "▲ Returns " + m.roiMultiple().toPlainString() + "× its spend",
                    "returns_more",
                    null,
                    "verdict pays");
        }
        if (m.mayPayOff()) {
            // value beats the priced spend, but the unpriced calls' cost is unknown: no verdict either way
            return new Cell(
                    "? Up to " + m.roiMultiple().toPlainString() + "×: " + Format.count(m.unpricedRequests())
                            + " calls unpriced",
                    "unknown_unpriced",
                    null,
                    "verdict unsure");
        }
        return new Cell("▼ Returns less than it spends", "returns_less", null, "verdict costs");
    }

    /** The row's class: the bar at its left, green, red or amber as its verdict. */
    static String rowClass(Metrics m) {
        if (m.paysOff()) {
            return "pays";
        }
        if (m.mayPayOff()) {
            return "unsure";
        }
        return m.spendNanos() > 0 ? "costs" : "";
    }

    private static Table grouped(
            String id,
            String title,
            String label,
            String csvName,
            Map<String, Metrics> groups,
            List<Metric> metrics,
            Metrics total,
            boolean verdict) {
        List<Column> cols = new ArrayList<>(List.of(new Column(label, csvName, false)));
        if (verdict) {
            cols.add(new Column("Verdict", "verdict", false));
        }
        cols.addAll(metricColumns(metrics));
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Metrics> e : groups.entrySet()) {
            List<Cell> cells = new ArrayList<>(List.of(Cell.of(e.getKey(), e.getKey())));
            if (verdict) {
                cells.add(verdict(e.getValue()));
            }
            cells.addAll(metricCells(metrics, e.getValue()));
            rows.add(new Row(cells, verdict ? rowClass(e.getValue()) : ""));
        }
        List<Cell> t = new ArrayList<>(List.of(Cell.of("Total", "TOTAL")));
        if (verdict) {
            t.add(verdict(total));
        }
        // Model tables total only usage: outcome metrics are not per model, so use the usage sums.
        t.addAll(metricCells(metrics, verdict ? total : groups.values().stream().reduce(Metrics.ZERO, Metrics::plus)));
        return new Table(id, title, cols, rows, new Row(t, "total"));
    }

    /** Model rows with the provider(s) each went through as a detail column. */
    private static Table models(String id, String title, Report r, List<Metric> metrics) {
        List<Column> cols = new ArrayList<>(
                List.of(new Column("Model", "model", false), new Column("Provider", "providers", false)));
        cols.addAll(metricColumns(metrics));
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, Metrics> e : r.byModel().entrySet()) {
            String providers = r.modelProviders().getOrDefault(e.getKey(), "");
            List<Cell> cells = new ArrayList<>(List.of(Cell.of(e.getKey(), e.getKey()), Cell.of(providers, providers)));
            cells.addAll(metricCells(metrics, e.getValue()));
            rows.add(new Row(cells, ""));
        }
        List<Cell> t = new ArrayList<>(List.of(Cell.of("Total", "TOTAL"), Cell.of("", "")));
        // Model tables total only usage: outcome metrics are not per model.
        t.addAll(metricCells(metrics, r.byModel().values().stream().reduce(Metrics.ZERO, Metrics::plus)));
        return new Table(id, title, cols, rows, new Row(t, "total"));
    }

    private static Table employees(String id, String title, Report r, List<Metric> metrics) {
        List<Column> cols = new ArrayList<>(List.of(
                new Column("Name", "name", false),
                new Column("E-mail", "email", false),
                new Column("Active", "active", false)));
        cols.addAll(metricColumns(metrics));
        List<Row> rows = new ArrayList<>();
        Metrics sum = Metrics.ZERO;
        for (Report.EmployeeRow e : r.employees()) {
            List<Cell> cells = new ArrayList<>(List.of(
                    Cell.of(e.name(), e.name()),
                    Cell.of(e.email(), e.email()),
                    new Cell(
                            e.metrics().requests() > 0 ? "yes" : "no",
                            e.metrics().requests() > 0 ? "true" : "false",
                            null,
                            e.metrics().requests() > 0 ? "" : "inactive")));
            cells.addAll(metricCells(metrics, e.metrics()));
            rows.add(new Row(cells, ""));
            sum = sum.plus(e.metrics());
        }
        List<Cell> t = new ArrayList<>(List.of(Cell.of("Total", "TOTAL"), Cell.of("", ""), Cell.of("", "")));
        t.addAll(metricCells(metrics, sum));
        return new Table(id, title, cols, rows, new Row(t, "total"));
    }

    private static Table mergedPrs(String id, String title, Report r) {
        List<Column> cols = List.of(
                new Column("Merged (UTC)", "merged_at", false),
                new Column("PR", "ref", false),
                new Column("Author", "author", false),
                new Column("AI-assisted", "ai_assisted", false),
                new Column("Attribution rules that fired", "attribution", false),
                new Column("Source", "source", false),
                new Column("Outcome id", "id", false, true));
        List<Row> rows = new ArrayList<>();
        for (Report.PrRow p : r.mergedPrs()) {
            String rules = String.join(", ", p.attribution());
            rows.add(new Row(
                    List.of(
                            Cell.of(
                                    MINUTE.format(p.occurredAt()),
                                    p.occurredAt().toString()),
                            Cell.of(nz(p.ref()), nz(p.ref())),
                            Cell.of(nz(p.employee()), nz(p.employee())),
                            new Cell(
                                    p.aiAssisted() ? "yes" : "no",
                                    Boolean.toString(p.aiAssisted()),
                                    null,
                                    p.aiAssisted() ? "ai" : ""),
                            Cell.of(rules.isEmpty() ? "—" : rules, String.join(";", p.attribution())),
                            Cell.of(nz(p.source()), nz(p.source())),
                            new Cell(p.id(), p.id(), null, "id")),
                    ""));
        }
        return new Table(id, title, cols, rows, null);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** The per-day series as a table (the CSV behind every time-series chart). */
    public static Table daily(String id, String title, Report r, List<Metric> metrics) {
        List<Column> cols = new ArrayList<>(List.of(new Column("Day", "day", false)));
        cols.addAll(metricColumns(metrics));
        List<Row> rows = new ArrayList<>();
        r.byDay().forEach((d, m) -> {
            List<Cell> cells = new ArrayList<>(List.of(Cell.of(d.toString(), d.toString())));
            cells.addAll(metricCells(metrics, m));
            rows.add(new Row(cells, ""));
        });
        List<Cell> t = new ArrayList<>(List.of(Cell.of("Total", "TOTAL")));
        t.addAll(metricCells(metrics, r.byDay().values().stream().reduce(Metrics.ZERO, Metrics::plus)));
        return new Table(id, title, cols, rows, new Row(t, "total"));
    }

    /** KPI panel as a table: metric, value, previous, change. */
    public static Table kpis(String id, String title, Report r, List<Metric> metrics) {
        List<Column> cols = List.of(
                new Column("Metric", "metric", false),
                new Column("Value", "value", true),
                new Column("Previous period", "previous", true),
                new Column("Change", "change_percent", true));
        List<Row> rows = new ArrayList<>();
        for (Metric m : metrics) {
            var change = m.change(r.total(), r.previousTotal());
            rows.add(new Row(
                    List.of(
                            Cell.of(m.label(), m.key() + (m.unit() == Metric.Unit.MONEY ? "_usd" : "")),
                            Cell.of(Format.value(m, r.total()), Format.plain(m, r.total())),
                            Cell.of(Format.value(m, r.previousTotal()), Format.plain(m, r.previousTotal())),
                            Cell.of(Format.change(change), change == null ? "" : change.toPlainString())),
                    ""));
        }
        return new Table(id, title, cols, rows, null);
    }

    /** RFC 4180 CSV of a table, with its total row last (first column "TOTAL"). */
    public static String csv(Table t) {
        StringBuilder sb = new StringBuilder();
        line(sb, t.columns().stream().map(Column::csvName).toList());
        for (Row row : t.rows()) {
            line(sb, row.cells().stream().map(Cell::csv).toList());
        }
        if (t.total() != null) {
            line(sb, t.total().cells().stream().map(Cell::csv).toList());
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(csvCell(values.get(i)));
        }
        sb.append("\r\n");
    }

    /**
     * One CSV value: RFC 4180 quoting, and a text that a spreadsheet would run as a formula (one
     * starting with {@code = + - @}, a tab or a carriage return: OWASP's list for CSV injection) is
     * kept as text by a leading apostrophe. A negative number stays a number. Names in the reports
     * come from SSO, imports and webhooks, so none of them is trusted.
     */
    public static String csvCell(String value) {
        String v = value == null ? "" : value;
        if (!v.isEmpty() && "=+@\t\r".indexOf(v.charAt(0)) >= 0
                || v.startsWith("-") && !NEGATIVE.matcher(v).matches()) {
            v = "'" + v;
        }
        if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
            v = '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }

    static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    static UUID uuid(String s) {
        return UUID.fromString(s);
    }
}
