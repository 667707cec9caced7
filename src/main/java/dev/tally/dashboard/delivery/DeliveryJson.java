package dev.tally.dashboard.delivery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tally.dashboard.delivery.DeliveryMetric.Unit;

/**
 * The JSON of delivery: {@code delivery} carries the headline figures the reports promise (PR counts,
 * median and p75 cycle hours, revert rates of AI-assisted PRs and the rest, each with its 95% interval
 * as {@code <field>Interval}, null below the minimum sample) and {@code cohorts[]};
 * {@code deliveryDetail} carries every metric, the assumption beside the measurement, the confounders,
 * the trend and, for the organisation, the teams — the same figures as the pages and the CSV tables.
 */
public final class DeliveryJson {

    private DeliveryJson() {}

    public static Map<String, Object> delivery(DeliveryReport d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("prsAi", d.comparison(DeliveryMetric.MERGED_PRS).ai().n());
        out.put("prsOther", d.comparison(DeliveryMetric.MERGED_PRS).other().n());
        pair(out, "cycleHoursMedian", d.comparison(DeliveryMetric.CYCLE_MEDIAN));
        pair(out, "cycleHoursP75", d.comparison(DeliveryMetric.CYCLE_P75));
        pair(out, "revertRate", d.comparison(DeliveryMetric.REVERT_RATE));
        List<Map<String, Object>> cohorts = new ArrayList<>();
        for (CohortRow c : d.cohorts()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("cohort", c.cohort().key());
            row.put("callsPerWeek", c.range());
            row.put("engineers", c.engineers());
            row.put("prs", c.prs());
            row.put("prsAi", c.prsAi());
            row.put(
                    "prsPerEngineerWeekMedian",
                    DeliveryFormat.number(c.prsPerEngineerWeek().value(), Unit.ROUNDS));
            row.put("prsPerEngineerWeekMedianInterval", interval(c.prsPerEngineerWeek(), Unit.ROUNDS));
            cohorts.add(row);
        }
        out.put("cohorts", cohorts);
        return out;
    }

    private static void pair(Map<String, Object> out, String name, Comparison c) {
        Unit unit = c.metric().unit();
        out.put(name + "Ai", DeliveryFormat.number(c.ai().value(), unit));
        out.put(name + "AiInterval", interval(c.ai(), unit));
        out.put(name + "Other", DeliveryFormat.number(c.other().value(), unit));
        out.put(name + "OtherInterval", interval(c.other(), unit));
    }

    static Map<String, Object> interval(Figure f, Unit unit) {
        if (f.interval() == null) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("low", DeliveryFormat.number(f.interval().low(), unit));
        out.put("high", DeliveryFormat.number(f.interval().high(), unit));
        out.put("confidence", Stats.CONFIDENCE);
        return out;
    }

    public static Map<String, Object> detail(DeliveryReport d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("minSample", d.minSample());
        out.put("confidence", Stats.CONFIDENCE);
        out.put("metrics", metrics(d.comparisons()));
        out.put("assumedVsMeasured", assumption(d.assumption()));
        Confounders c = d.confounders();
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put("sizeLinesMedianAi", DeliveryFormat.number(c.sizeMedianAi(), Unit.LINES));
        conf.put("sizeLinesMedianOther", DeliveryFormat.number(c.sizeMedianOther(), Unit.LINES));
        conf.put("authorsAi", c.authorsAi());
        conf.put("authorsOther", c.authorsOther());
        conf.put("repositoriesAi", c.repositoriesAi());
        conf.put("repositoriesOther", c.repositoriesOther());
        conf.put("topRepository", c.topRepository());
        conf.put("topRepositorySharePercentAi", DeliveryFormat.number(c.topRepositoryShareAi(), 1));
        conf.put("topRepositorySharePercentOther", DeliveryFormat.number(c.topRepositoryShareOther(), 1));
        out.put("confounders", conf);
        out.put("prsWithoutKnownAuthor", d.unassignedAuthors());
        List<Map<String, Object>> trend = new ArrayList<>();
        for (TrendWeek w : d.trend()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("from", w.from().toString());
            row.put("to", w.to().toString());
            row.put("people", w.people());
            row.put("aiUsers", w.aiUsers());
            row.put("aiSharePercent", DeliveryFormat.number(w.aiSharePercent(), 1));
            row.put("prs", w.prs());
            row.put("prsAi", w.prsAi());
            row.put("authors", w.authors());
            row.put("prsPerAuthor", DeliveryFormat.number(w.prsPerAuthor(), Unit.ROUNDS));
            row.put("cycleHoursMedian", DeliveryFormat.number(w.cycleMedian().value(), Unit.HOURS));
            row.put("cycleN", w.cycleMedian().n());
            trend.add(row);
        }
        out.put("trend", trend);
        if (d.verdict() != null) {
            List<Map<String, Object>> teams = new ArrayList<>();
            for (DeliveryReport.TeamRow t : d.teams()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("teamId", t.team().id());
                row.put("team", t.team().name());
                row.put("metrics", metrics(t.comparisons()));
                row.put("assumedVsMeasured", assumption(t.assumption()));
                teams.add(row);
            }
            out.put("teams", teams);
            DeliveryReport.OrgVerdict v = d.verdict();
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("teamsWithPricedSpend", v.teams());
            verdict.put("teamsPayingAssumed", v.payingAssumed());
            verdict.put("teamsPayingMeasured", v.payingMeasured());
            verdict.put("teamsMeasured", v.measuredTeams());
            verdict.put("spend_nanos", v.spendNanos());
            verdict.put("valueAssumed_nanos", v.valueAssumedNanos());
            verdict.put("valueMeasured_nanos", v.valueMeasuredNanos());
            verdict.put("roiAssumed", v.roiAssumed());
            verdict.put("roiMeasured", v.roiMeasured());
            out.put("verdict", verdict);
        }
        return out;
    }

    static List<Map<String, Object>> metrics(List<Comparison> comparisons) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Comparison c : comparisons) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("metric", c.metric().key());
            row.put("label", c.metric().label());
            row.put("ai", figure(c.ai(), c.metric().unit()));
            row.put("other", figure(c.other(), c.metric().unit()));
            row.put("verdict", c.verdict().name().toLowerCase(Locale.ROOT));
            out.add(row);
        }
        return out;
    }

    private static Map<String, Object> figure(Figure f, Unit unit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("value", DeliveryFormat.number(f.value(), unit));
        out.put("interval", interval(f, unit));
        out.put("n", f.n());
        out.put("enoughData", f.enough());
        return out;
    }

    private static Map<String, Object> assumption(Assumption a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("assumedHoursPerAiPr", DeliveryFormat.plain(a.assumedHours()));
        out.put("measuredHoursPerAiPr", a.measuredHours() == null ? null : DeliveryFormat.plain(a.measuredHours()));
        out.put("basis", a.basis().key());
        out.put("statement", DeliveryText.assumption(a));
        out.put("prsAi", a.prsAi());
        out.put("spend_nanos", a.spendNanos());
        out.put("valueAssumed_nanos", a.valueAssumedNanos());
        out.put("valueMeasured_nanos", a.valueMeasuredNanos());
        out.put("roiAssumed", a.roiAssumed());
        out.put("roiMeasured", a.roiMeasured());
        return out;
    }
}
