package dev.tally.alert.digest;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Singleton;

import dev.tally.alert.channel.Alert;
import dev.tally.alert.channel.DeliveryLog;
import dev.tally.alert.channel.Notice;
import dev.tally.alert.channel.Notices;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.Report;
import dev.tally.dashboard.report.ReportService;
import dev.tally.dashboard.roi.Format;
import dev.tally.dashboard.roi.Metric;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.platform.time.OrgCalendar;

/**
 * Writes one week's digest from the same rollups as the dashboards (so its figures are the org
 * page's for that week): spend against budget, ROI by team, the biggest changes on the week before
 * and the alerts still open.
 */
@Singleton
public class DigestComposer {

    static final int TEAMS_SHOWN = 10;
    static final int CHANGES_SHOWN = 5;
    static final int ALERTS_SHOWN = 10;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);

    private final ReportService reports;
    private final DeliveryLog log;
    private final BudgetLines budgets;
    private final Notices notices;
    private final OrgCalendar calendar;

    public DigestComposer(
            ReportService reports, DeliveryLog log, BudgetLines budgets, Notices notices, OrgCalendar calendar) {
        this.reports = reports;
        this.log = log;
        this.budgets = budgets;
        this.notices = notices;
        this.calendar = calendar;
    }

    public Digest compose(DigestWeek week, Instant now) {
        Period period = new Period(week.first(), week.last());
        Report r = reports.org(period);
        List<Digest.TeamWeek> teams = new ArrayList<>();
        for (Report.TeamInfo t : r.teams()) {
            Metrics m = r.teamMetrics(t.id());
            Metrics p = r.previousTeamMetrics(t.id());
            if (m.spendNanos() != 0 || p.spendNanos() != 0 || m.valueNanos() != 0) {
                teams.add(new Digest.TeamWeek(
                        t.id(),
                        t.name(),
                        m.spendNanos(),
                        p.spendNanos(),
                        m.valueNanos(),
                        p.valueNanos(),
                        m.unpricedRequests()));
            }
        }
        teams.sort(
                Comparator.comparingLong(Digest.TeamWeek::spendNanos).reversed().thenComparing(Digest.TeamWeek::name));
        List<BudgetLine> budgetLines = budgets.at(now);
        List<Alert> open = log.open(now, ALERTS_SHOWN);
        List<Digest.OpenAlert> openAlerts = open.stream()
                .map(a -> new Digest.OpenAlert(
                        a.id(), a.kind().apiName(), a.scopeName(), notices.of(a).title()))
                .toList();
        Notice message = message(week, r.total(), r.previousTotal(), teams, budgetLines, openAlerts);
        return new Digest(
                week.first(),
                week.last(),
                r.total().spendNanos(),
                r.previousTotal().spendNanos(),
                r.total().valueNanos(),
                teams,
                budgetLines,
                openAlerts,
                message);
    }

    private Notice message(
            DigestWeek week,
            Metrics total,
            Metrics previous,
            List<Digest.TeamWeek> teams,
            List<BudgetLine> budgetLines,
            List<Digest.OpenAlert> openAlerts) {
        String range = DAY.format(week.first()) + " – " + DAY.format(week.last());
        String change = Format.change(Metrics.changePercent(total.spendNanos(), previous.spendNanos()));
        String summary = total.spendNanos() == 0 && total.unpricedRequests() == 0
                ? "No AI spend was recorded in the week of " + range + "."
                : "The organisation spent " + Format.money(total.spendNanos()) + " on AI in the week of " + range
                        + (change.isEmpty() ? "" : " (" + change + " on the week before)") + " and measured "
                        + Format.money(total.valueNanos()) + " of value" + roi(total) + ".";
        List<Notice.Field> fields = List.of(
                new Notice.Field("Spend", Format.money(total.spendNanos())),
                new Notice.Field("Week before", Format.money(previous.spendNanos())),
                new Notice.Field("Value", Format.money(total.valueNanos())),
                new Notice.Field(
                        "ROI",
                        total.roiMultiple() == null
                                ? "n/a"
                                : Format.bound(Metric.ROI, total)
                                        + total.roiMultiple().toPlainString() + "×"),
                new Notice.Field("Open alerts", String.valueOf(openAlerts.size())));
        List<Notice.Section> sections = new ArrayList<>();
        if (!budgetLines.isEmpty()) {
            sections.add(new Notice.Section(
                    "Spend against budget",
                    budgetLines.stream().map(DigestComposer::budget).toList()));
        }
        sections.add(new Notice.Section(
                "ROI by team",
                teams.isEmpty()
                        ? List.of("No team spent or returned anything.")
                        : teams.stream()
                                .limit(TEAMS_SHOWN)
                                .map(DigestComposer::teamLine)
                                .toList()));
        List<String> changes = teams.stream()
                .filter(t -> t.spendNanos() != t.previousSpendNanos())
                .sorted(Comparator.comparingLong(
                                (Digest.TeamWeek t) -> Math.abs(t.spendNanos() - t.previousSpendNanos()))
                        .reversed()
                        .thenComparing(Digest.TeamWeek::name))
                .limit(CHANGES_SHOWN)
                .map(DigestComposer::changeLine)
                .toList();
        sections.add(new Notice.Section(
                "Biggest changes on the week before",
                changes.isEmpty() ? List.of("No team's spend changed.") : changes));
        sections.add(new Notice.Section(
                "Open alerts",
                openAlerts.isEmpty()
                        ? List.of("None.")
                        : openAlerts.stream().map(Digest.OpenAlert::title).toList()));
        return new Notice(
                "Weekly digest: " + range,
                summary,
                fields,
                sections,
                notices.link("/?from=" + week.first() + "&to=" + week.last()),
                "Open the org overview",
                "Tally weekly digest · weeks run Monday to Sunday in " + calendar.zone());
    }

    private static String roi(Metrics m) {
        BigDecimal roi = m.roiMultiple();
        if (roi == null) {
            return "";
        }
        return m.spendComplete()
                ? ": ROI " + roi.toPlainString() + "×"
                : ": ROI at most " + roi.toPlainString() + "×, since "
                        + (m.unpricedRequests() == 1
                                ? "1 call used a model"
                                : Format.count(m.unpricedRequests()) + " calls used models")
                        + " without a price";
    }

    private static String teamLine(Digest.TeamWeek t) {
        // the same rounding as Metrics.roiMultiple, so the digest and the dashboard agree
        BigDecimal roi = t.spendNanos() <= 0
                ? null
                : BigDecimal.valueOf(t.valueNanos())
                        .divide(BigDecimal.valueOf(t.spendNanos()), 2, RoundingMode.HALF_UP);
        String bound = t.unpricedRequests() > 0 ? "≤ " : "";
        return t.name() + ": spent " + Format.money(t.spendNanos()) + ", value " + Format.money(t.valueNanos())
                + ", ROI " + (roi == null ? "n/a" : bound + roi.toPlainString() + "×")
                + (t.unpricedRequests() > 0 ? " (" + Format.count(t.unpricedRequests()) + " unpriced)" : "");
    }

    private static String changeLine(Digest.TeamWeek t) {
        String pct = Format.change(Metrics.changePercent(t.spendNanos(), t.previousSpendNanos()));
        return t.name() + ": " + Format.money(t.previousSpendNanos()) + " → " + Format.money(t.spendNanos())
                + (pct.isEmpty() ? " (new)" : " (" + pct + ")");
    }

    private static String budget(BudgetLine b) {
        String pct = b.limitNanos() <= 0
                ? ""
                : " ("
                        + BigDecimal.valueOf(b.spentNanos())
                                .multiply(BigDecimal.valueOf(100))
                                .divide(BigDecimal.valueOf(b.limitNanos()), 0, RoundingMode.DOWN)
                                .toPlainString()
                        + "%)";
        return b.name() + ", " + b.period() + ": " + Format.money(b.spentNanos()) + " of "
                + Format.money(b.limitNanos())
                + pct + (b.projectedNanos() == null ? "" : ", projected " + Format.money(b.projectedNanos())) + " — "
                + b.state();
    }
}
