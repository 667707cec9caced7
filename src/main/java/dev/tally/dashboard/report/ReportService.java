package dev.tally.dashboard.report;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
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

/**
 * Builds {@link Report}s from the rollups with plain SQL (aggregates, not entities). The org scope
 * reads only team-level tables (usage_team_day, usage_team_daily for models, outcome_value_daily,
 * employee_activity), so its cost grows with teams × days, not with employees. Outcome counts come
 * from outcome_value_daily, which the outcome rows' trigger keeps equal to outcome_daily (same rows,
 * same transaction) and which also carries what the ROI model needs (severity, own valueHours).
 */
@ApplicationScoped
public class ReportService {

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final DashboardCatalog catalog;
    private final ObjectMapper json;
    private final ReportCache<ReportKey, Report> reports = new ReportCache<>();
    private final ReportCache<PartKey, Sums> history = new ReportCache<>();
    /** One cache per archived month, each under that month's own version (V255). */
    private final Map<LocalDate, ReportCache<PartKey, Sums>> archive = new java.util.concurrent.ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    /** Per sort or hash of a report query, for the one connection building it. */
    private static final String WORK_MEM = "32MB";

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
            ReportKey key = new ReportKey(teamId, period, roi);
            long[] versions = versions(c);
            Report cached = reports.get(key, versions[0]);
            if (cached != null) {
                return cached;
            }
            long started = System.nanoTime();
            Report r;
            try (Statement st = c.createStatement()) {
                // The org's grouping sets and distinct counts sort tens of thousands of rows: in
                // memory, not in temporary files (PostgreSQL's default work_mem is 4 MB).
                st.execute("SET work_mem = '" + WORK_MEM + "'");
                try {
                    r = compute(c, teamId, period, roi, versions);
                } finally {
                    st.execute("RESET work_mem");
                }
            }
            reports.put(key, versions[0], started, r);
            return r;
        } catch (SQLException e) {
            throw new IllegalStateException("reading rollups failed: " + e.getMessage(), e);
        }
    }

    /** A built report: valid while the change counter stands still. */
    private record ReportKey(UUID team, Period period, RoiModel roi) {
    }

    /**
     * The sums of a report's days {@code from..to}, kept under the history counter or an archived
     * month's version; {@code epoch} moves when a TRUNCATE empties every month at once.
     */
    private record PartKey(UUID team, Period period, RoiModel roi, LocalDate from, LocalDate to, long epoch) {
    }

    /** Days this far back and older are archived (V255 versions them per month, for writes 32+ days old). */
    static final int ARCHIVE_AFTER_DAYS = 33;

    /** The change counter (V252), the history counter (V253) and the archive epoch (V255). */
    private static long[] versions(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.last_value, c.is_called, h.last_value, h.is_called,"
                + " e.last_value, e.is_called FROM dashboard_change_version c, dashboard_history_version h,"
                + " dashboard_archive_epoch e");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new long[] { rs.getBoolean(2) ? rs.getLong(1) : 0, rs.getBoolean(4) ? rs.getLong(3) : 0,
                    rs.getBoolean(6) ? rs.getLong(5) : 0 };
        }
    }

    /** The version of each month from {@code from} to {@code to} that has one (0 = never written to late). */
    private static Map<LocalDate, Long> monthVersions(Connection c, LocalDate from, LocalDate to) throws SQLException {
        Map<LocalDate, Long> out = new HashMap<>();
        run(c, "SELECT month, version FROM dashboard_month_version WHERE month BETWEEN ? AND ?",
                rs -> out.put(rs.getObject(1, LocalDate.class), rs.getLong(2)), Date.valueOf(from.withDayOfMonth(1)),
                Date.valueOf(to));
        return out;
    }

    /**
     * The period's and the previous period's sums come in parts, as data changes less the older it
     * is: the days {@value #ARCHIVE_AFTER_DAYS} days back and older, month by month, each from its
     * month's cache (re-read when that month's version moved: a write for one of its days over a
     * month late); the days from then to the day before yesterday, from the history cache (re-read
     * after a late event); and yesterday and today (UTC), read on every rebuild. Each part read costs
     * one scan per team-level table (usage, outcomes, models). Active users (a distinct count, which does not add up across parts) and
     * the teams are read every time, and a team page adds its employees and merged PRs.
     */
    private Report compute(Connection c, UUID teamId, Period period, RoiModel roi, long[] versions)
            throws SQLException {
        boolean[] demo = { false };
        Map<UUID, Long> employees = new HashMap<>();
        List<TeamInfo> teams = teams(c, teamId, employees, demo);
        if (teamId != null && teams.isEmpty()) {
            throw ApiException.notFound("team " + teamId + " does not exist");
        }
        Period prev = period.previous();
        LocalDate today = LocalDate.now(clock);
        LocalDate archiveTo = today.minusDays(ARCHIVE_AFTER_DAYS);
        LocalDate historyTo = today.minusDays(2);
        Sums sums = new Sums();
        long epoch = versions[2];
        LocalDate archiveEnd = archiveTo.isBefore(period.to()) ? archiveTo : period.to();
        if (!archiveEnd.isBefore(prev.from())) {
            Map<LocalDate, Long> months = monthVersions(c, prev.from(), archiveEnd);
            for (LocalDate m = prev.from().withDayOfMonth(1); !m.isAfter(archiveEnd); m = m.plusMonths(1)) {
                ReportCache<PartKey, Sums> cache = archive.computeIfAbsent(m, k -> new ReportCache<>());
                LocalDate monthEnd = m.plusMonths(1).minusDays(1);
                sums.add(part(c, cache, months.getOrDefault(m, 0L), epoch, teamId, period, roi, later(prev.from(), m),
                        monthEnd.isBefore(archiveEnd) ? monthEnd : archiveEnd));
            }
        }
        sums.add(part(c, history, versions[1], epoch, teamId, period, roi, later(prev.from(), archiveTo.plusDays(1)),
                historyTo));
        sums.add(part(c, null, 0, epoch, teamId, period, roi, later(prev.from(), historyTo.plusDays(1)), period.to()));
        activeUsers(c, teamId, period, prev, sums.current, sums.previous);

        Map<UUID, Metrics> cur = new LinkedHashMap<>();
        Map<UUID, Metrics> pre = new LinkedHashMap<>();
        Metrics total = Metrics.ZERO;
        Metrics previousTotal = Metrics.ZERO;
        List<TeamInfo> shown = new ArrayList<>();
        for (TeamInfo t : teams) {
            Metrics m = sums.current.getOrDefault(t.id(), new Acc()).employees(employees.getOrDefault(t.id(), 0L)).toMetrics();
            Metrics p = sums.previous.getOrDefault(t.id(), new Acc()).employees(employees.getOrDefault(t.id(), 0L)).toMetrics();
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
            Acc a = sums.days.get(d);
            byDay.put(d, a == null ? Metrics.ZERO : a.toMetrics());
        }
        // One row per model: a leader asks "what does Claude Sonnet cost us", not per route; the
        // provider(s) stay visible as a detail (in demo mode: "simulated").
        Map<String, Metrics> models = new LinkedHashMap<>();
        Map<String, String> providers = new TreeMap<>();
        sums.models.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().cost, a.getValue().cost))
                .forEach(e -> {
                    models.put(e.getKey(), e.getValue().toMetrics());
                    providers.put(e.getKey(), String.join(", ", sums.providers.get(e.getKey())));
                });
        return new Report(teamId == null ? null : teams.get(0), period, prev, total, previousTotal, shown,
                cur, pre, models, providers, byDay,
                teamId == null ? List.of() : employees(c, teamId, period),
                teamId == null ? List.of() : mergedPrs(c, teamId, period), demo[0]);
    }

    private static LocalDate later(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * The sums of the days {@code from..to} cut to the report's range (empty when nothing is left):
     * from {@code cache} under {@code version} when it holds them, else read (and kept there); read
     * every time when {@code cache} is null.
     */
    private static Sums part(Connection c, ReportCache<PartKey, Sums> cache, long version, long epoch, UUID teamId,
            Period period, RoiModel roi, LocalDate from, LocalDate to) throws SQLException {
        LocalDate end = to.isBefore(period.to()) ? to : period.to();
        if (end.isBefore(from)) {
            return EMPTY;
        }
        if (cache == null) {
            return sums(c, teamId, period, from, end, roi);
        }
        PartKey key = new PartKey(teamId, period, roi, from, end, epoch);
        Sums cached = cache.get(key, version);
        if (cached != null) {
            return cached;
        }
        long started = System.nanoTime();
        Sums read = sums(c, teamId, period, from, end, roi);
        cache.put(key, version, started, read);
        return read;
    }

    private static final Sums EMPTY = new Sums();

    /**
     * Additive sums of the days {@code from..to} (inside the period or the previous one): per team
     * for each period, per day and per model for the period. Never changed once built (the history
     * cache shares it); {@link #add} folds one into a fresh one.
     */
    static final class Sums {
        final Map<UUID, Acc> current = new HashMap<>();
        final Map<UUID, Acc> previous = new HashMap<>();
        final Map<LocalDate, Acc> days = new HashMap<>();
        final Map<String, Acc> models = new HashMap<>();
        final Map<String, TreeSet<String>> providers = new HashMap<>();

        void add(Sums o) {
            o.current.forEach((k, v) -> current.computeIfAbsent(k, x -> new Acc()).add(v));
            o.previous.forEach((k, v) -> previous.computeIfAbsent(k, x -> new Acc()).add(v));
            o.days.forEach((k, v) -> days.computeIfAbsent(k, x -> new Acc()).add(v));
            o.models.forEach((k, v) -> models.computeIfAbsent(k, x -> new Acc()).add(v));
            o.providers.forEach((k, v) -> providers.computeIfAbsent(k, x -> new TreeSet<>()).addAll(v));
        }
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

    /** Teams in name order with their member counts, and whether demo data exists: one round-trip. */
    private static List<TeamInfo> teams(Connection c, UUID teamId, Map<UUID, Long> employees, boolean[] demo)
            throws SQLException {
        String sql = "SELECT t.id, t.name, t.department, coalesce(e.n, 0), EXISTS (SELECT 1 FROM dashboard_demo_team)"
                + " FROM team t LEFT JOIN (SELECT team_id, count(*) n FROM employee"
                + (teamId == null ? "" : " WHERE team_id = ?") + " GROUP BY team_id) e ON e.team_id = t.id"
                + (teamId == null ? "" : " WHERE t.id = ?") + " ORDER BY t.name";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (teamId != null) {
                ps.setObject(1, teamId);
                ps.setObject(2, teamId);
            }
            List<TeamInfo> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    out.add(new TeamInfo(id, rs.getString(2), rs.getString(3)));
                    employees.put(id, rs.getLong(4));
                    demo[0] = rs.getBoolean(5);
                }
            }
            if (out.isEmpty()) {
                try (PreparedStatement d = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM dashboard_demo_team)");
                        ResultSet rs = d.executeQuery()) {
                    rs.next();
                    demo[0] = rs.getBoolean(1);
                }
            }
            return out;
        }
    }

    private static final String USAGE_SUMS = "sum(requests), sum(error_requests), sum(input_tokens), sum(output_tokens), "
            + "sum(cache_read_tokens), sum(cache_write_tokens), sum(reasoning_tokens), sum(cost_nanos), "
            + "sum(unpriced_requests), sum(unpriced_tokens)";

    private static final String USAGE_COLUMNS = "requests, error_requests, input_tokens, output_tokens, cache_read_tokens,"
            + " cache_write_tokens, reasoning_tokens, cost_nanos, unpriced_requests, unpriced_tokens";

    /**
     * The {@link Sums} of the days {@code from..to}: one scan per team-level table. The period and
     * the previous one are adjacent, so one range covers both; GROUPING SETS give the per-team and
     * the per-day groupings from the same rows.
     */
    private static Sums sums(Connection c, UUID teamId, Period p, LocalDate from, LocalDate to, RoiModel roi)
            throws SQLException {
        Sums out = new Sums();
        String teamFilter = teamId == null ? "" : " AND team_id = ?";
        Object[] args = teamId == null
                ? new Object[] { Date.valueOf(p.from()), Date.valueOf(from), Date.valueOf(to) }
                : new Object[] { Date.valueOf(p.from()), Date.valueOf(from), Date.valueOf(to), teamId };
        // Column 1 is null on per-day rows (grouped by day only), column 3 null on per-team rows.
        RowAcc acc = rs -> {
            UUID team = rs.getObject(1, UUID.class);
            if (team != null) {
                return (rs.getBoolean(2) ? out.current : out.previous).computeIfAbsent(team, k -> new Acc());
            }
            LocalDate day = rs.getObject(3, LocalDate.class);
            return day.isBefore(p.from()) ? null : out.days.computeIfAbsent(day, k -> new Acc());
        };
        run(c, "SELECT team_id, cur, day, " + USAGE_SUMS + " FROM (SELECT team_id, day, day >= ? AS cur, " + USAGE_COLUMNS
                + " FROM usage_team_day WHERE day BETWEEN ? AND ?" + teamFilter + ") s"
                + " GROUP BY GROUPING SETS ((team_id, cur), (day))", rs -> {
                    Acc a = acc.get(rs);
                    if (a != null) {
                        a.usage(rs, 4);
                    }
                }, args);
        run(c, "SELECT team_id, cur, day, kind, ai_assisted, severity, sum(outcomes), sum(explicit_outcomes),"
                + " sum(explicit_hours) FROM (SELECT team_id, day, day >= ? AS cur, kind, ai_assisted, severity, outcomes,"
                + " explicit_outcomes, explicit_hours FROM outcome_value_daily WHERE day BETWEEN ? AND ?" + teamFilter + ") s"
                + " GROUP BY GROUPING SETS ((team_id, cur, kind, ai_assisted, severity), (day, kind, ai_assisted, severity))",
                rs -> {
                    Acc a = acc.get(rs);
                    if (a != null) {
                        a.outcomes(roi, rs, 4);
                    }
                }, args);
        LocalDate modelsFrom = from.isBefore(p.from()) ? p.from() : from;
        if (!to.isBefore(modelsFrom)) {
            Object[] modelArgs = teamId == null ? new Object[] { Date.valueOf(modelsFrom), Date.valueOf(to) }
                    : new Object[] { Date.valueOf(modelsFrom), Date.valueOf(to), teamId };
            run(c, "SELECT model, " + USAGE_SUMS + ", provider FROM usage_team_daily WHERE day BETWEEN ? AND ?" + teamFilter
                    + " GROUP BY model, provider", rs -> {
                        out.models.computeIfAbsent(rs.getString(1), k -> new Acc()).usage(rs, 2);
                        out.providers.computeIfAbsent(rs.getString(1), k -> new TreeSet<>()).add(rs.getString(12));
                    }, modelArgs);
        }
        return out;
    }

    /** Distinct active employees per team over both periods, from the per-year activity bitmaps, in one scan. */
    private static void activeUsers(Connection c, UUID teamId, Period p, Period prev, Map<UUID, Acc> current,
            Map<UUID, Acc> previous) throws SQLException {
        List<Object> args = new ArrayList<>();
        String curCond = activeCondition(p, args);
        String prevCond = activeCondition(prev, args);
        List<Short> years = new ArrayList<>();
        for (int y = prev.from().getYear(); y <= p.to().getYear(); y++) {
            years.add((short) y);
        }
        StringBuilder in = new StringBuilder();
        for (Short y : years) {
            in.append(in.length() == 0 ? "?" : ", ?");
            args.add(y);
        }
        if (teamId != null) {
            args.add(teamId);
        }
        String sql = "SELECT team_id, count(DISTINCT employee_id) FILTER (WHERE " + curCond + "),"
                + " count(DISTINCT employee_id) FILTER (WHERE " + prevCond + ") FROM employee_activity"
                + " WHERE year IN (" + in + ")" + (teamId == null ? "" : " AND team_id = ?") + " GROUP BY team_id";
        run(c, sql, rs -> {
            UUID team = rs.getObject(1, UUID.class);
            current.computeIfAbsent(team, k -> new Acc()).active = rs.getLong(2);
            previous.computeIfAbsent(team, k -> new Acc()).active = rs.getLong(3);
        }, args.toArray());
    }

    /** "Some day of the period is set in this row's bitmap", per year the period touches. */
    private static String activeCondition(Period p, List<Object> args) {
        StringBuilder where = new StringBuilder("(");
        for (int y = p.from().getYear(); y <= p.to().getYear(); y++) {
            LocalDate start = y == p.from().getYear() ? p.from() : LocalDate.of(y, 1, 1);
            LocalDate end = y == p.to().getYear() ? p.to() : LocalDate.of(y, 12, 31);
            if (where.length() > 1) {
                where.append(" OR ");
            }
            where.append("(year = ? AND bit_count(substring(days FROM ? FOR ?)) > 0)");
            args.add((short) y);
            args.add(start.getDayOfYear());
            args.add(end.getDayOfYear() - start.getDayOfYear() + 1);
        }
        return where.append(")").toString();
    }

    interface RowAcc {
        Acc get(ResultSet rs) throws SQLException;
    }

    private static void run(Connection c, String sql, RowSink sink, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sink.accept(rs);
                }
            }
        }
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

        void add(Acc o) {
            requests += o.requests;
            errors += o.errors;
            input += o.input;
            output += o.output;
            cacheRead += o.cacheRead;
            cacheWrite += o.cacheWrite;
            reasoning += o.reasoning;
            cost += o.cost;
            unpricedRequests += o.unpricedRequests;
            unpricedTokens += o.unpricedTokens;
            prs += o.prs;
            prsAi += o.prsAi;
            bugs += o.bugs;
            security += o.security;
            tasks += o.tasks;
            value += o.value;
        }

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

        /** Counts and value of one outcome_value_daily group: kind, ai_assisted, severity, outcomes, explicit n, explicit h. */
        void outcomes(RoiModel roi, ResultSet rs, int i) throws SQLException {
            String kind = rs.getString(i);
            boolean ai = rs.getBoolean(i + 1);
            long n = rs.getLong(i + 3);
            outcomes(kind, ai, n);
            value += roi.valueNanos(kind, ai, rs.getString(i + 2), n, rs.getLong(i + 4), rs.getBigDecimal(i + 5));
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
