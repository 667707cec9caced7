package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.report.Report.EmployeeRow;
import dev.tally.dashboard.report.Report.PrRow;
import dev.tally.dashboard.report.Report.TeamInfo;
import dev.tally.dashboard.roi.Metrics;
import dev.tally.dashboard.roi.RoiModel;
import dev.tally.platform.ApiException;
import dev.tally.platform.cache.StampedCache;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.Rollups;

/**
 * Builds {@link Report}s. Each report is read in ONE snapshot (a read-only repeatable-read
 * transaction): first {@code rollup_version}, then the teams and people (always read: small), then
 * the rollup sums ({@link RollupReader}), which are cached under that version. The aggregator moves
 * the version in the same transaction as every rollup change, so a cached sum is reused exactly
 * while the rollups it came from are unchanged, and the first request after a commit sees it
 * (docs/adr/0005-dashboard-rollups-and-cache.md).
 */
@ApplicationScoped
public class ReportService {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

    /** Scopes × periods × ROI models kept: presets of every team fit many times over. */
    static final int CACHED_REPORTS = 2_000;

    /** Per sort or hash of a report query, for the one connection building it. */
    private static final String WORK_MEM = "32MB";

    /** At most this many PRs are listed on a page; the CSV carries the same list. */
    public static final int MAX_PRS = 500;

    private final DataSource dataSource;
    private final DashboardCatalog catalog;
    private final ObjectMapper json;
    private final OrgCalendar calendar;
    private final StampedCache<SumsKey, RollupReader.Sums> sums = new StampedCache<>(CACHED_REPORTS);

    private record SumsKey(UUID team, Period period, RoiModel roi) {}

    public ReportService(DataSource dataSource, DashboardCatalog catalog, ObjectMapper json, OrgCalendar calendar) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.json = json;
        this.calendar = calendar;
    }

    public Report org(Period period) {
        return build(null, period);
    }

    public Report team(UUID teamId, Period period) {
        return build(teamId, period);
    }

    private Report build(UUID teamId, Period period) {
        RoiModel roi = catalog.current().roi();
        try {
            // The org's grouping sets and distinct counts sort tens of thousands of rows: in memory,
            // not in temporary files (PostgreSQL's default work_mem is 4 MB).
            return RollupSnapshot.read(
                    dataSource,
                    WORK_MEM,
                    (c, version) -> assemble(
                            c,
                            teamId,
                            period,
                            sums.get(
                                    new SumsKey(teamId, period, roi),
                                    version,
                                    () -> RollupReader.read(c, teamId, period, roi))));
        } catch (SQLException e) {
            throw new IllegalStateException("reading rollups failed: " + e.getMessage(), e);
        }
    }

    /** The report from the (cached) rollup sums and the teams and people as they are now. */
    private Report assemble(Connection c, UUID teamId, Period period, RollupReader.Sums sums) throws SQLException {
        boolean[] demo = {false};
        Map<UUID, Long> members = new HashMap<>();
        List<TeamInfo> teams = teams(c, teamId, members, demo);
        if (teamId != null && teams.isEmpty()) {
            throw ApiException.notFound("team " + teamId + " does not exist");
        }
        Map<UUID, Metrics> cur = new LinkedHashMap<>();
        Map<UUID, Metrics> pre = new LinkedHashMap<>();
        Metrics total = Metrics.ZERO;
        Metrics previousTotal = Metrics.ZERO;
        List<TeamInfo> shown = new ArrayList<>();
        for (TeamInfo t : teams) {
            long n = members.getOrDefault(t.id(), 0L);
            Metrics m = sums.current().getOrDefault(t.id(), new Acc()).toMetrics(n);
            Metrics p = sums.previous().getOrDefault(t.id(), new Acc()).toMetrics(n);
            // Unassigned has no employees; show it only when outcomes or usage landed there.
            if (t.unassigned() && teamId == null && m.equals(Metrics.ZERO) && p.equals(Metrics.ZERO)) {
                continue;
            }
            shown.add(t);
            cur.put(t.id(), m);
            pre.put(t.id(), p);
            total = total.plus(m);
            previousTotal = previousTotal.plus(p);
        }
        TreeMap<LocalDate, Metrics> byDay = new TreeMap<>();
        for (LocalDate d = period.from(); !d.isAfter(period.to()); d = d.plusDays(1)) {
            Acc a = sums.days().get(d);
            byDay.put(d, a == null ? Metrics.ZERO : a.toMetrics(0));
        }
        // One row per model: a leader asks "what does Claude Sonnet cost us", not per route; the
        // provider(s) stay visible as a detail (in demo mode: "simulated").
        Map<String, Metrics> models = new LinkedHashMap<>();
        Map<String, String> providers = new TreeMap<>();
        sums.models().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue().toMetrics(0)))
                .sorted((a, b) ->
                        Long.compare(b.getValue().spendNanos(), a.getValue().spendNanos()))
                .forEach(e -> {
                    models.put(e.getKey(), e.getValue());
                    providers.put(e.getKey(), String.join(", ", sums.providers().get(e.getKey())));
                });
        return new Report(
                teamId == null ? null : teams.get(0),
                period,
                period.previous(),
                total,
                previousTotal,
                shown,
                cur,
                pre,
                models,
                providers,
                byDay,
                teamId == null ? List.of() : employees(c, teamId, sums),
                teamId == null ? List.of() : mergedPrs(c, teamId, period),
                demo[0]);
    }

    public boolean demoData() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM dashboard_demo_team)");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Teams in name order with their member counts, and whether demo data exists: one round trip. */
    private static List<TeamInfo> teams(Connection c, UUID teamId, Map<UUID, Long> members, boolean[] demo)
            throws SQLException {
        String sql = "SELECT t.id, t.name, t.department, coalesce(e.n, 0), d.demo FROM"
                + " (SELECT EXISTS (SELECT 1 FROM dashboard_demo_team) AS demo) d LEFT JOIN team t ON "
                + (teamId == null ? "true" : "t.id = ?") + " LEFT JOIN (SELECT team_id, count(*) n FROM employee"
                + (teamId == null ? "" : " WHERE team_id = ?")
                + " GROUP BY team_id) e ON e.team_id = t.id ORDER BY t.name";
        List<TeamInfo> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (teamId != null) {
                ps.setObject(1, teamId);
                ps.setObject(2, teamId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    demo[0] = rs.getBoolean(5);
                    UUID id = rs.getObject(1, UUID.class);
                    if (id != null) {
                        out.add(new TeamInfo(id, rs.getString(2), rs.getString(3)));
                        members.put(id, rs.getLong(4));
                    }
                }
            }
        }
        return out;
    }

    /** Every member, active or not (so the adoption gap is visible), plus former members who spent here. */
    private static List<EmployeeRow> employees(Connection c, UUID teamId, RollupReader.Sums sums) throws SQLException {
        Map<UUID, Acc> usage = new HashMap<>(sums.employees());
        // a service key's calls are the team's, no person's: on the workloads report, not here
        usage.remove(Rollups.NO_EMPLOYEE);
        List<EmployeeRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, email FROM employee WHERE team_id = ? OR id = ANY (?) ORDER BY name")) {
            ps.setObject(1, teamId);
            ps.setArray(2, c.createArrayOf("uuid", usage.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    Acc a = usage.remove(id);
                    out.add(new EmployeeRow(
                            id, rs.getString(2), rs.getString(3), a == null ? Metrics.ZERO : person(a)));
                }
            }
        }
        // Usage by an employee id that is not (or no longer) in the employee table still counts.
        usage.forEach((id, a) ->
                out.add(new EmployeeRow(id, "(unknown " + id.toString().substring(0, 8) + ")", "", person(a))));
        out.sort((a, b) -> Long.compare(b.metrics().spendNanos(), a.metrics().spendNanos()));
        return out;
    }

    /** One person's row: active (they made calls in the period) and one employee. */
    private static Metrics person(Acc a) {
        Acc p = new Acc();
        p.add(a);
        p.active = 1;
        return p.toMetrics(1);
    }

    private List<PrRow> mergedPrs(Connection c, UUID teamId, Period p) throws SQLException {
        List<PrRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.id, o.ref, o.occurred_at, e.name, o.ai_assisted,"
                + " o.attribution::text, o.source FROM outcome o LEFT JOIN employee e ON e.id = o.employee_id"
                + " WHERE o.team_id = ? AND o.kind = 'pr_merged' AND o.occurred_at >= ? AND o.occurred_at < ?"
                + " ORDER BY o.occurred_at DESC LIMIT " + MAX_PRS)) {
            ps.setObject(1, teamId);
            ps.setObject(2, calendar.start(p.from()).atOffset(ZoneOffset.UTC));
            ps.setObject(3, calendar.start(p.to().plusDays(1)).atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> attribution;
                    try {
                        attribution = json.readValue(rs.getString(6), STRINGS);
                    } catch (Exception e) {
                        attribution = List.of(rs.getString(6));
                    }
                    out.add(new PrRow(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class).toInstant(),
                            rs.getString(4),
                            rs.getBoolean(5),
                            attribution,
                            rs.getString(7)));
                }
            }
        }
        return out;
    }
}
