package dev.tally.dashboard.report;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

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

/**
 * Builds {@link Report}s from the rollups with plain SQL (aggregates, not entities). The org scope
 * reads only team-level tables (usage_team_daily, outcome_daily, outcome_value_daily,
 * employee_activity), so its cost grows with teams × days, not with employees.
 */
@ApplicationScoped
public class ReportService {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final DashboardCatalog catalog;
    private final ObjectMapper json;

    public ReportService(DataSource dataSource, DashboardCatalog catalog, ObjectMapper json) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.json = json;
    }

    public Report org(Period period) {
        return build(null, period);
    }

    public Report team(UUID teamId, Period period) {
        return build(teamId, period);
    }

    private Report build(UUID teamId, Period period) {
        RoiModel roi = catalog.current().roi();
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            List<TeamInfo> teams = teams(c, teamId);
            if (teamId != null && teams.isEmpty()) {
                throw ApiException.notFound("team " + teamId + " does not exist");
            }
            Map<UUID, Long> employees = employeeCounts(c, teamId);
            Period prev = period.previous();
            Map<UUID, Acc> current = byTeam(c, teamId, period, roi, employees);
            Map<UUID, Acc> previous = byTeam(c, teamId, prev, roi, employees);

            Map<UUID, Metrics> cur = new LinkedHashMap<>();
            Map<UUID, Metrics> pre = new LinkedHashMap<>();
            Metrics total = Metrics.ZERO;
            Metrics previousTotal = Metrics.ZERO;
            List<TeamInfo> shown = new ArrayList<>();
            for (TeamInfo t : teams) {
                Metrics m = current.getOrDefault(t.id(), new Acc()).employees(employees.getOrDefault(t.id(), 0L)).toMetrics();
                Metrics p = previous.getOrDefault(t.id(), new Acc()).employees(employees.getOrDefault(t.id(), 0L)).toMetrics();
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
            return new Report(teamId == null ? null : teams.get(0), period, prev, total, previousTotal, shown,
                    cur, pre, byModel(c, teamId, period), byDay(c, teamId, period, roi),
                    teamId == null ? List.of() : employees(c, teamId, period),
                    teamId == null ? List.of() : mergedPrs(c, teamId, period), demoData(c));
        } catch (SQLException e) {
            throw new IllegalStateException("reading rollups failed: " + e.getMessage(), e);
        }
    }

    public boolean demoData() {
        try (Connection c = dataSource.getConnection()) {
            return demoData(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean demoData(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM dashboard_demo_team)");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static List<TeamInfo> teams(Connection c, UUID teamId) throws SQLException {
        String sql = "SELECT id, name, department FROM team" + (teamId == null ? "" : " WHERE id = ?") + " ORDER BY name";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (teamId != null) {
                ps.setObject(1, teamId);
            }
            List<TeamInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TeamInfo(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
                }
            }
            return out;
        }
    }

    private static Map<UUID, Long> employeeCounts(Connection c, UUID teamId) throws SQLException {
        Map<UUID, Long> out = new HashMap<>();
        String sql = "SELECT team_id, count(*) FROM employee" + (teamId == null ? "" : " WHERE team_id = ?") + " GROUP BY team_id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (teamId != null) {
                ps.setObject(1, teamId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
        }
        return out;
    }

    private static final String USAGE_SUMS = "sum(requests), sum(error_requests), sum(input_tokens), sum(output_tokens), "
            + "sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_nanos), "
            + "sum(unpriced_requests), sum(unpriced_tokens)";

    private Map<UUID, Acc> byTeam(Connection c, UUID teamId, Period p, RoiModel roi, Map<UUID, Long> employees)
            throws SQLException {
        Map<UUID, Acc> out = new HashMap<>();
        Function<UUID, Acc> acc = id -> out.computeIfAbsent(id, k -> new Acc());
        String teamFilter = teamId == null ? "" : " AND team_id = ?";
        query(c, "SELECT team_id, " + USAGE_SUMS + " FROM usage_team_daily WHERE day BETWEEN ? AND ?" + teamFilter
                + " GROUP BY team_id", p, teamId, rs -> acc.apply(rs.getObject(1, UUID.class)).usage(rs, 2));
        query(c, "SELECT team_id, kind, ai_assisted, sum(outcomes) FROM outcome_daily WHERE day BETWEEN ? AND ?"
                + teamFilter + " GROUP BY team_id, kind, ai_assisted", p, teamId,
                rs -> acc.apply(rs.getObject(1, UUID.class)).outcomes(rs.getString(2), rs.getBoolean(3), rs.getLong(4)));
        query(c, "SELECT team_id, kind, ai_assisted, severity, sum(outcomes), sum(explicit_outcomes), sum(explicit_hours)"
                + " FROM outcome_value_daily WHERE day BETWEEN ? AND ?" + teamFilter
                + " GROUP BY team_id, kind, ai_assisted, severity", p, teamId,
                rs -> acc.apply(rs.getObject(1, UUID.class)).value += roi.valueNanos(rs.getString(2), rs.getBoolean(3),
                        rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getBigDecimal(7)));
        activeUsers(c, teamId, p, (team, n) -> acc.apply(team).active = n);
        return out;
    }

    /** Distinct active employees per team over the period, from the per-year activity bitmaps. */
    private static void activeUsers(Connection c, UUID teamId, Period p, java.util.function.ObjLongConsumer<UUID> sink)
            throws SQLException {
        StringBuilder where = new StringBuilder();
        List<Object> args = new ArrayList<>();
        for (int y = p.from().getYear(); y <= p.to().getYear(); y++) {
            LocalDate start = y == p.from().getYear() ? p.from() : LocalDate.of(y, 1, 1);
            LocalDate end = y == p.to().getYear() ? p.to() : LocalDate.of(y, 12, 31);
            if (where.length() > 0) {
                where.append(" OR ");
            }
            where.append("(year = ? AND bit_count(substring(days FROM ? FOR ?)) > 0)");
            args.add((short) y);
            args.add(start.getDayOfYear());
            args.add(end.getDayOfYear() - start.getDayOfYear() + 1);
        }
        String sql = "SELECT team_id, count(DISTINCT employee_id) FROM employee_activity WHERE (" + where + ")"
                + (teamId == null ? "" : " AND team_id = ?") + " GROUP BY team_id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            for (Object a : args) {
                ps.setObject(i++, a);
            }
            if (teamId != null) {
                ps.setObject(i, teamId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs.getObject(1, UUID.class), rs.getLong(2));
                }
            }
        }
    }

    private static Map<String, Metrics> byModel(Connection c, UUID teamId, Period p) throws SQLException {
        Map<String, Acc> out = new TreeMap<>();
        query(c, "SELECT provider || '/' || model, " + USAGE_SUMS + " FROM usage_team_daily WHERE day BETWEEN ? AND ?"
                + (teamId == null ? "" : " AND team_id = ?") + " GROUP BY provider, model", p, teamId,
                rs -> out.computeIfAbsent(rs.getString(1), k -> new Acc()).usage(rs, 2));
        Map<String, Metrics> m = new LinkedHashMap<>();
        out.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().cost, a.getValue().cost))
                .forEach(e -> m.put(e.getKey(), e.getValue().toMetrics()));
        return m;
    }

    private static TreeMap<LocalDate, Metrics> byDay(Connection c, UUID teamId, Period p, RoiModel roi) throws SQLException {
        TreeMap<LocalDate, Acc> out = new TreeMap<>();
        for (LocalDate d = p.from(); !d.isAfter(p.to()); d = d.plusDays(1)) {
            out.put(d, new Acc());
        }
        String teamFilter = teamId == null ? "" : " AND team_id = ?";
        query(c, "SELECT day, " + USAGE_SUMS + " FROM usage_team_daily WHERE day BETWEEN ? AND ?" + teamFilter
                + " GROUP BY day", p, teamId, rs -> out.get(rs.getObject(1, LocalDate.class)).usage(rs, 2));
        query(c, "SELECT day, kind, ai_assisted, sum(outcomes) FROM outcome_daily WHERE day BETWEEN ? AND ?" + teamFilter
                + " GROUP BY day, kind, ai_assisted", p, teamId,
                rs -> out.get(rs.getObject(1, LocalDate.class)).outcomes(rs.getString(2), rs.getBoolean(3), rs.getLong(4)));
        query(c, "SELECT day, kind, ai_assisted, severity, sum(outcomes), sum(explicit_outcomes), sum(explicit_hours)"
                + " FROM outcome_value_daily WHERE day BETWEEN ? AND ?" + teamFilter
                + " GROUP BY day, kind, ai_assisted, severity", p, teamId,
                rs -> out.get(rs.getObject(1, LocalDate.class)).value += roi.valueNanos(rs.getString(2),
                        rs.getBoolean(3), rs.getString(4), rs.getLong(5), rs.getLong(6), rs.getBigDecimal(7)));
        TreeMap<LocalDate, Metrics> m = new TreeMap<>();
        out.forEach((d, a) -> m.put(d, a.toMetrics()));
        return m;
    }

    private List<EmployeeRow> employees(Connection c, UUID teamId, Period p) throws SQLException {
        Map<UUID, Acc> usage = new HashMap<>();
        query(c, "SELECT employee_id, " + USAGE_SUMS + ", 1 FROM usage_daily WHERE day BETWEEN ? AND ? AND team_id = ?"
                + " GROUP BY employee_id", p, teamId, rs -> {
                    Acc a = usage.computeIfAbsent(rs.getObject(1, UUID.class), k -> new Acc());
                    a.usage(rs, 2);
                    a.active = 1;
                    a.employees = 1;
                });
        List<EmployeeRow> out = new ArrayList<>();
        // Every member, active or not, so the adoption gap is visible; plus former members who spent here.
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, email FROM employee WHERE team_id = ? OR id = ANY (?) ORDER BY name")) {
            ps.setObject(1, teamId);
            ps.setArray(2, c.createArrayOf("uuid", usage.keySet().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    Acc a = usage.remove(id);
                    out.add(new EmployeeRow(id, rs.getString(2), rs.getString(3), a == null ? Metrics.ZERO : a.toMetrics()));
                }
            }
        }
        // Usage by an employee id that is not (or no longer) in the employee table still counts.
        usage.forEach((id, a) -> out.add(new EmployeeRow(id, "(unknown " + id.toString().substring(0, 8) + ")", "", a.toMetrics())));
        out.sort((a, b) -> Long.compare(b.metrics().spendNanos(), a.metrics().spendNanos()));
        return out;
    }

    /** At most this many PRs are listed on a page; the CSV carries the same list. */
    public static final int MAX_PRS = 500;

    private List<PrRow> mergedPrs(Connection c, UUID teamId, Period p) throws SQLException {
        List<PrRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.id, o.ref, o.occurred_at, e.name, o.ai_assisted,"
                + " o.attribution::text, o.source FROM outcome o LEFT JOIN employee e ON e.id = o.employee_id"
                + " WHERE o.team_id = ? AND o.kind = 'pr_merged' AND o.occurred_at >= ? AND o.occurred_at < ?"
                + " ORDER BY o.occurred_at DESC LIMIT " + MAX_PRS)) {
            ps.setObject(1, teamId);
            ps.setObject(2, p.from().atStartOfDay().atOffset(ZoneOffset.UTC));
            ps.setObject(3, p.to().plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> attribution;
                    try {
                        attribution = json.readValue(rs.getString(6), STRINGS);
                    } catch (Exception e) {
                        attribution = List.of(rs.getString(6));
                    }
                    out.add(new PrRow(rs.getString(1), rs.getString(2),
                            rs.getObject(3, java.time.OffsetDateTime.class).toInstant(), rs.getString(4),
                            rs.getBoolean(5), attribution, rs.getString(7)));
                }
            }
        }
        return out;
    }

    interface RowSink {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, Period p, UUID teamId, RowSink sink) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setDate(1, Date.valueOf(p.from()));
            ps.setDate(2, Date.valueOf(p.to()));
            if (teamId != null) {
                ps.setObject(3, teamId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs);
                }
            }
        }
    }

    /** Mutable sums while reading; becomes an immutable {@link Metrics}. */
    static final class Acc {
        long requests, errors, input, output, cacheRead, cacheWrite, reasoning, cost, unpricedRequests, unpricedTokens;
        long active, employees, prs, prsAi, bugs, security, tasks, value;

        Acc employees(long n) {
            employees = n;
            return this;
        }

        void usage(ResultSet rs, int i) throws SQLException {
            requests += rs.getLong(i);
            errors += rs.getLong(i + 1);
            input += rs.getLong(i + 2);
            output += rs.getLong(i + 3);
            cacheRead += rs.getLong(i + 4);
            cacheWrite += rs.getLong(i + 5);
            reasoning += rs.getLong(i + 6);
            cost += rs.getLong(i + 7);
            unpricedRequests += rs.getLong(i + 8);
            unpricedTokens += rs.getLong(i + 9);
        }

        void outcomes(String kind, boolean ai, long n) {
            switch (kind) {
                case "pr_merged" -> {
                    prs += n;
                    if (ai) {
                        prsAi += n;
                    }
                }
                case "bug_caught" -> bugs += n;
                case "security_finding" -> security += n;
                case "task_automated" -> tasks += n;
                default -> {
                    // other kinds carry value through the ROI model but have no count column
                }
            }
        }

        Metrics toMetrics() {
            return new Metrics(cost, requests, errors, input, output, cacheRead, cacheWrite, reasoning,
                    unpricedRequests, unpricedTokens, active, employees, prs, prsAi, bugs, security, tasks, value);
        }
    }

    static BigDecimal nz(BigDecimal b) {
        return b == null ? BigDecimal.ZERO : b;
    }
}
