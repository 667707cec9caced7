package dev.tally.dashboard.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.delivery.DeliveryReport.OrgVerdict;
import dev.tally.dashboard.delivery.DeliveryReport.TeamRow;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.Report;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.dashboard.roi.RoiModel;

/**
 * Builds {@link DeliveryReport}s beside a {@link Report} of the same scope and period (which supplies
 * spend, value and the teams): reads the period's merged PRs and the PRs that may have reverted or
 * hot-fixed them, people's gateway calls and the trend's weeks, then computes in memory.
 */
@ApplicationScoped
public class DeliveryService {

    private final DataSource dataSource;
    private final DeliveryConfig config;
    private final DashboardCatalog catalog;
    private final DeliveryReader reader;

    public DeliveryService(DataSource dataSource, ObjectMapper json, DeliveryConfig config, DashboardCatalog catalog) {
        this.dataSource = dataSource;
        this.config = config;
        this.catalog = catalog;
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
        RoiModel roi = catalog.current().roi();
        int min = config.minSample();
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            LocalDate trendFrom = period.to().minusDays(7L * config.trendWeeks() - 1);
            LocalDate readFrom = trendFrom.isBefore(period.from()) ? trendFrom : period.from();
            List<PrRecord> read = reader.prs(c, team, start(readFrom), start(period.to().plusDays(1)));
            Instant from = start(period.from());
            List<PrRecord> prs = ChangeFailures.apply(read.stream().filter(p -> !p.mergedAt().isBefore(from)).toList(),
                    reader.candidates(c, from, config.hotfixLabels()));
            List<Comparison> comparisons = DeliveryMetrics.compare(prs, min);
            List<UUID> people = prs.stream().map(PrRecord::employeeId).filter(e -> e != null).distinct().toList();
            Map<UUID, Long> calls = reader.calls(c, people, period.from(), period.to());
            List<CohortRow> cohorts = Cohorts.rows(prs, calls, period.days(), config);
            int unassigned = (int) prs.stream().filter(p -> p.employeeId() == null).count();
            List<TrendWeek> trend = Trend.weeks(read, reader.weeklyAiUsers(c, team, period.to(), config.trendWeeks()),
                    reader.people(c, team), period.to(), config.trendWeeks(), this::start, min);
            Confounders confounders = Cohorts.confounders(prs);
            List<TeamRow> teams = new ArrayList<>();
            OrgVerdict verdict = null;
            Assumption assumption;
            if (team != null) {
                assumption = Assumption.assess(report.total(), comparisons.get(DeliveryMetric.CYCLE_MEDIAN.ordinal()), roi);
            } else {
                Map<UUID, List<PrRecord>> byTeam = new HashMap<>();
                prs.forEach(p -> byTeam.computeIfAbsent(p.teamId(), k -> new ArrayList<>()).add(p));
                for (Report.TeamInfo t : report.teams()) {
                    List<Comparison> tc = DeliveryMetrics.compare(byTeam.getOrDefault(t.id(), List.of()), min);
                    teams.add(new TeamRow(t, tc, Assumption.assess(report.teamMetrics(t.id()),
                            tc.get(DeliveryMetric.CYCLE_MEDIAN.ordinal()), roi)));
                }
                verdict = verdict(teams);
                assumption = Assumption.assess(report.total(), comparisons.get(DeliveryMetric.CYCLE_MEDIAN.ordinal()), roi);
            }
            List<PrRecord> newestFirst = new ArrayList<>(team == null ? List.of() : prs);
            newestFirst.sort(Comparator.comparing(PrRecord::mergedAt).reversed().thenComparing(PrRecord::id));
            return new DeliveryReport(period, min, comparisons, cohorts, unassigned, trend, confounders, assumption, teams,
                    verdict, newestFirst);
        } catch (SQLException e) {
            throw new IllegalStateException("reading delivery facts failed: " + e.getMessage(), e);
        }
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

    /** The organisation's zone: report days are UTC days. */
    ZoneId zone() {
        return ZoneOffset.UTC;
    }

    Instant start(LocalDate day) {
        return day.atStartOfDay(zone()).toInstant();
    }

    static void check(DeliveryConfig c) {
        if (c.minSample() < 2) {
            throw new IllegalStateException("tally.delivery.min-sample must be at least 2, got " + c.minSample());
        }
        if (c.lightFromCallsPerWeek() < 1 || c.moderateFromCallsPerWeek() <= c.lightFromCallsPerWeek()
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
