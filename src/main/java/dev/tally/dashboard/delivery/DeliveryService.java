package dev.tally.dashboard.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.delivery.DeliveryReport.OrgVerdict;
import dev.tally.dashboard.delivery.DeliveryReport.TeamRow;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.Report;
import dev.tally.dashboard.report.ReportService;
import dev.tally.dashboard.report.RollupSnapshot;
import dev.tally.dashboard.roi.RoiModel;
import dev.tally.platform.cache.StampedCache;
import dev.tally.platform.time.OrgCalendar;

/**
 * Builds {@link DeliveryReport}s beside a {@link Report} of the same scope and period (which supplies
 * spend, value and the teams). Reads what the aggregator wrote in one snapshot ({@link RollupSnapshot}):
 * the merged PRs' facts and the PRs that may have reverted or hot-fixed them and people's gateway calls,
 * cached under {@code rollup_version}; who used AI each week of the trend from the org's months that the
 * report caches under each month's version ({@link ReportService#weeklyActive}), so a write re-reads only
 * its month; then computes in memory (order statistics and Wilson intervals: cheap, so not cached).
 */
@ApplicationScoped
public class DeliveryService {

    /** Scopes × periods kept: presets of every team fit many times over (as the report's cache). */
    static final int CACHED_SCOPES = 2_000;

    private final DataSource dataSource;
    private final DeliveryConfig config;
    private final DashboardCatalog catalog;
    private final OrgCalendar calendar;
    private final DeliveryReader reader;
    private final ReportService reports;
    private final StampedCache<FactsKey, Facts> facts = new StampedCache<>(CACHED_SCOPES);

    private record FactsKey(UUID team, Period period) {}

    /**
     * What a scope's delivery reads from the aggregator's tables ({@code pr_fact}, {@code outcome},
     * {@code usage_daily}), all moved only in transactions that also move {@code rollup_version}.
     *
     * @param read       PRs merged from the trend's first day (or the period's, if earlier) to the period's end
     * @param candidates PRs merged from the period's start on that may revert or hot-fix others
     * @param calls      gateway calls in the period of each author of the period's PRs
     */
    private record Facts(List<PrRecord> read, List<ChangeFailures.Candidate> candidates, Map<UUID, Long> calls) {}

    /**
     * The cached facts, and per trend window (window 0 ending on the period's last day) the people with
     * gateway calls and the scope's people (its members during the window and anyone else with calls for
     * it then).
     */
    private record Snapshot(Facts facts, ReportService.Weekly weekly) {}

    public DeliveryService(
            DataSource dataSource,
            ObjectMapper json,
            DeliveryConfig config,
            DashboardCatalog catalog,
            OrgCalendar calendar,
            ReportService reports) {
        this.dataSource = dataSource;
        this.reports = reports;
        this.config = config;
        this.catalog = catalog;
        this.calendar = calendar;
        this.reader = new DeliveryReader(json);
        check(config);
    }

    public DeliveryConfig config() {
        return config;
    }

    /** A team's delivery; {@code report} is the team's report of the same period. */
    public DeliveryReport team(Report report) {
        return build(report, report.team().id());
    }

    /** The organisation's delivery with a row per team of {@code report} (the org report of the period). */
    public DeliveryReport org(Report report) {
        return build(report, null);
    }

    private DeliveryReport build(Report report, UUID team) {
        Period period = report.period();
        int min = config.minSample();
        Snapshot s;
        try {
            s = RollupSnapshot.read(
                    dataSource,
                    null,
                    (c, version) -> new Snapshot(
                            facts.get(new FactsKey(team, period), version, () -> read(c, team, period)),
                            reports.weeklyActive(c, team, period.to(), config.trendWeeks())));
        } catch (SQLException e) {
            throw new IllegalStateException("reading delivery facts failed: " + e.getMessage(), e);
        }
        Facts f = s.facts();
        Instant from = calendar.start(period.from());
        List<PrRecord> prs = ChangeFailures.apply(
                f.read().stream().filter(p -> !p.mergedAt().isBefore(from)).toList(), f.candidates());
        List<Comparison> comparisons = DeliveryMetrics.compare(prs, min);
        List<CohortRow> cohorts = Cohorts.rows(prs, f.calls(), period.days(), config);
        int unassigned = (int) prs.stream().filter(p -> p.employeeId() == null).count();
        List<TrendWeek> trend = Trend.weeks(
                f.read(),
                s.weekly().active(),
                s.weekly().people(),
                period.to(),
                config.trendWeeks(),
                calendar::start,
                min);
        RoiModel roi = catalog.current().roi();
        List<TeamRow> teams = new ArrayList<>();
        OrgVerdict verdict = null;
        if (team == null) {
            Map<UUID, List<PrRecord>> byTeam = new HashMap<>();
            prs.forEach(p ->
                    byTeam.computeIfAbsent(p.teamId(), k -> new ArrayList<>()).add(p));
            for (Report.TeamInfo t : report.teams()) {
                List<Comparison> tc = DeliveryMetrics.compare(byTeam.getOrDefault(t.id(), List.of()), min);
                teams.add(new TeamRow(
                        t,
                        tc,
                        Assumption.assess(
                                report.teamMetrics(t.id()), tc.get(DeliveryMetric.CYCLE_MEDIAN.ordinal()), roi)));
            }
            verdict = verdict(teams);
        }
        Assumption assumption =
                Assumption.assess(report.total(), comparisons.get(DeliveryMetric.CYCLE_MEDIAN.ordinal()), roi);
        List<PrRecord> newestFirst = new ArrayList<>(team == null ? List.of() : prs);
        newestFirst.sort(Comparator.comparing(PrRecord::mergedAt).reversed().thenComparing(PrRecord::id));
        return new DeliveryReport(
                period,
                min,
                comparisons,
                cohorts,
                unassigned,
                trend,
                Cohorts.confounders(prs),
                assumption,
                teams,
                verdict,
                newestFirst);
    }

    private Facts read(Connection c, UUID team, Period period) throws SQLException {
        LocalDate trendFrom = period.to().minusDays(7L * config.trendWeeks() - 1);
        LocalDate readFrom = trendFrom.isBefore(period.from()) ? trendFrom : period.from();
        List<PrRecord> read = reader.prs(
                c, team, calendar.start(readFrom), calendar.start(period.to().plusDays(1)));
        Instant from = calendar.start(period.from());
        List<UUID> authors = read.stream()
                .filter(p -> !p.mergedAt().isBefore(from))
                .map(PrRecord::employeeId)
                .filter(e -> e != null)
                .distinct()
                .toList();
        return new Facts(
                read,
                reader.candidates(c, from, config.hotfixLabels()),
                reader.calls(c, authors, period.from(), period.to()));
    }

    /** Sums the teams: each on its measurement where it has enough data, else on the assumption. */
    static OrgVerdict verdict(List<TeamRow> teams) {
        int priced = 0;
        int payingAssumed = 0;
        int payingMeasured = 0;
        int measured = 0;
        long spend = 0;
        long valueAssumed = 0;
        long valueMeasured = 0;
        for (TeamRow t : teams) {
            Assumption a = t.assumption();
            spend += a.spendNanos();
            valueAssumed += a.valueAssumedNanos();
            valueMeasured += a.valueMeasuredNanos();
            if (a.basis() != Assumption.Basis.ASSUMED) {
                measured++;
            }
            if (a.spendNanos() > 0) {
                priced++;
                payingAssumed += a.paysAssumed() ? 1 : 0;
                payingMeasured += a.paysMeasured() ? 1 : 0;
            }
        }
        return new OrgVerdict(priced, payingAssumed, payingMeasured, measured, spend, valueAssumed, valueMeasured);
    }

    static void check(DeliveryConfig c) {
        if (c.minSample() < 2) {
            throw new IllegalStateException("tally.delivery.min-sample must be at least 2, got " + c.minSample());
        }
        if (c.lightFromCallsPerWeek() < 1
                || c.moderateFromCallsPerWeek() <= c.lightFromCallsPerWeek()
                || c.heavyFromCallsPerWeek() <= c.moderateFromCallsPerWeek()) {
            throw new IllegalStateException("tally.delivery cohort cut-offs must rise: 1 <= light-from-calls-per-week ("
                    + c.lightFromCallsPerWeek() + ") < moderate-from-calls-per-week (" + c.moderateFromCallsPerWeek()
                    + ") < heavy-from-calls-per-week (" + c.heavyFromCallsPerWeek() + ")");
        }
        if (c.trendWeeks() < 1 || c.trendWeeks() > 104) {
            throw new IllegalStateException("tally.delivery.trend-weeks must be 1..104, got " + c.trendWeeks());
        }
    }
}
