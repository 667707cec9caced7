package dev.tally.dashboard.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tally.dashboard.roi.Metric;
import dev.tally.dashboard.roi.Metrics;

/**
 * The JSON shape of reports: money as integer nano-dollars ({@code spend_nanos}), counts as
 * integers, ratios as decimals, n/a as null — the same figures the pages and CSV show.
 */
public final class ReportJson {

    private ReportJson() {}

    public static Map<String, Object> metrics(Metrics m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            out.put(metric.key() + (metric.unit() == Metric.Unit.MONEY ? "_nanos" : ""), metric.raw(m));
        }
        // pays_off: value above spend with every call priced; may_pay_off: above priced spend, some calls unpriced
        out.put("pays_off", m.paysOff());
        out.put("may_pay_off", m.mayPayOff());
        out.put("spend_complete", m.spendComplete());
        return out;
    }

    public static Map<String, Object> changes(Metrics current, Metrics previous) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Metric metric : Metric.values()) {
            out.put(metric.key(), metric.change(current, previous));
        }
        return out;
    }

    public static Map<String, Object> period(Period p) {
        return Map.of("from", p.from().toString(), "to", p.to().toString(), "days", p.days(), "toInclusive", true);
    }

    static Map<String, Object> head(Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("period", period(r.period()));
        out.put("previousPeriod", period(r.previousPeriod()));
        out.put("demoData", r.demoData());
        out.put("totals", metrics(r.total()));
        out.put("previousTotals", metrics(r.previousTotal()));
        out.put("changes", changes(r.total(), r.previousTotal()));
        return out;
    }

    public static List<Map<String, Object>> teams(Report r) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Report.TeamInfo t : r.teams()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", t.id());
            row.put("name", t.name());
            row.put("department", t.department());
            row.put("metrics", metrics(r.teamMetrics(t.id())));
            row.put("previous", metrics(r.previousTeamMetrics(t.id())));
            row.put("changes", changes(r.teamMetrics(t.id()), r.previousTeamMetrics(t.id())));
            out.add(row);
        }
        return out;
    }

    public static Map<String, Object> org(Report r) {
        Map<String, Object> out = head(r);
        out.put("teams", teams(r));
        List<Map<String, Object>> depts = new ArrayList<>();
        Tables.byDepartment(r).forEach((d, m) -> depts.add(Map.of("department", d, "metrics", metrics(m))));
        out.put("departments", depts);
        out.put("daily", daily(r));
        out.put("models", models(r));
        return out;
    }

    public static Map<String, Object> team(Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "team",
                Map.of(
                        "id",
                        r.team().id(),
                        "name",
                        r.team().name(),
                        "department",
                        r.team().department()));
        out.putAll(head(r));
        out.put("daily", daily(r));
        out.put("models", models(r));
        List<Map<String, Object>> employees = new ArrayList<>();
        for (Report.EmployeeRow e : r.employees()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", e.id());
            row.put("name", e.name());
            row.put("email", e.email());
            row.put("member", e.member());
            row.put("metrics", metrics(e.metrics()));
            employees.add(row);
        }
        out.put("employees", employees);
        out.put("mergedPrs", r.mergedPrs());
        return out;
    }

    public static Map<String, Object> models(Report r, boolean withHead) {
        Map<String, Object> out = withHead ? head(r) : new LinkedHashMap<>();
        out.put("models", models(r));
        return out;
    }

    static List<Map<String, Object>> models(Report r) {
        List<Map<String, Object>> out = new ArrayList<>();
        r.byModel()
                .forEach((k, m) -> out.add(Map.of(
                        "model", k, "providers", r.modelProviders().getOrDefault(k, ""), "metrics", metrics(m))));
        return out;
    }

    static List<Map<String, Object>> daily(Report r) {
        List<Map<String, Object>> out = new ArrayList<>();
        r.byDay().forEach((d, m) -> out.add(Map.of("day", d.toString(), "metrics", metrics(m))));
        return out;
    }
}
