package dev.tally.workload;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;

import dev.tally.dashboard.definition.DashboardCatalog;
import dev.tally.dashboard.report.Period;
import dev.tally.dashboard.report.RollupSnapshot;
import dev.tally.dashboard.roi.RoiModel;
import dev.tally.events.OutcomeData;
import dev.tally.platform.ApiException;
import dev.tally.platform.cache.StampedCache;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.pricing.Price;
import dev.tally.pricing.PriceService;
import dev.tally.workload.WorkloadReport.Detail;
import dev.tally.workload.WorkloadReport.Model;
import dev.tally.workload.WorkloadReport.Overview;
import dev.tally.workload.WorkloadReport.Row;
import dev.tally.workload.WorkloadReport.Run;
import dev.tally.workload.WorkloadReport.TeamRef;
import dev.tally.workload.WorkloadReport.Tiers;
import dev.tally.workload.WorkloadReport.Tool;
import dev.tally.workload.WorkloadReport.Usage;

/**
 * Reads the workloads report from what the aggregator writes ({@code usage_workload_day},
 * {@code usage_run}, {@code usage_run_model}, {@code client_activity}, {@code outcome_workload_day},
 * and {@code outcome} for the ROI value), each report in one read-only repeatable-read snapshot, so its
 * figures agree with each other and with the events. A report is cached under the
 * {@code rollup_version} it was read at, with the ROI model and price overrides it was valued with,
 * as the other reports are (docs/adr/0006-dashboard-rollups-and-cache.md).
 */
@ApplicationScoped
public class WorkloadReportService {

    /** At most this many runs are listed for one workload and period (newest first). */
    public static final int MAX_RUNS = 500;

    private static final String USAGE_SUMS = "sum(requests) AS requests, sum(error_requests) AS error_requests,"
            + " sum(cost_nanos) AS cost_nanos, sum(unpriced_requests) AS unpriced_requests,"
            + " sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens";

    /** The same columns as {@link #USAGE_SUMS}, of one row. */
    private static final String ROW_USAGE =
            "requests, error_requests, cost_nanos, unpriced_requests, input_tokens," + " output_tokens";

    /** Reports held: each preset or range, team and workload asked for is one entry. */
    static final int CACHED_REPORTS = 200;

    /** What a cached report was built for; {@code name} null for the overview. */
    private record Key(Period period, UUID team, String name, RoiModel roi, Map<String, Price> overrides) {}

    private final DataSource dataSource;
    private final OrgCalendar calendar;
    private final DashboardCatalog catalog;
    private final PriceService prices;
    private final StampedCache<Key, Object> cache = new StampedCache<>(CACHED_REPORTS);

    public WorkloadReportService(
            DataSource dataSource, OrgCalendar calendar, DashboardCatalog catalog, PriceService prices) {
        this.dataSource = dataSource;
        this.calendar = calendar;
        this.catalog = catalog;
        this.prices = prices;
    }

    /** Every workload that had calls or outcomes in the period, by spend; and adoption by tool (of {@code team}, or all). */
    public Overview overview(Period period, UUID team) {
        RoiModel roi = catalog.current().roi();
        return (Overview) cached(
                new Key(period, team, null, roi, prices.overrides()),
                c -> new Overview(
                        period.from(), period.to(), rows(c, period, null, team, roi), tools(c, period, null, team)));
    }

    /** One workload: its row, runs, model mix and tools. */
    public Detail workload(String name, Period period) {
        if (!WorkloadNames.validName(name)) {
            throw ApiException.badRequest(
                    "workload: '" + name + "' is not a workload name (" + WorkloadNames.NAME_RULE + ")");
        }
        RoiModel roi = catalog.current().roi();
        return (Detail) cached(new Key(period, null, name, roi, prices.overrides()), c -> {
            List<Row> rows = rows(c, period, name, null, roi);
            Row row = rows.isEmpty()
                    ? new Row(
                            name,
                            List.of(),
                            false,
                            Usage.ZERO,
                            0,
                            Map.of(),
                            0,
                            0,
                            0,
                            null,
                            null,
                            null,
                            0,
                            null,
                            Tiers.NONE)
                    : rows.get(0);
            return new Detail(
                    period.from(),
                    period.to(),
                    row,
                    runs(c, period, name),
                    models(c, period, name),
                    tools(c, period, name, null));
        });
    }

    /** A model's tier rank by its price now ({@link ModelTiers#rank}). */
    private Long rank(String model) {
        return ModelTiers.rank(prices.price(model));
    }

    private List<Row> rows(Connection c, Period p, String only, UUID team, RoiModel roi) throws SQLException {
        Map<String, Usage> usage = new TreeMap<>();
        Map<String, TreeSet<String>> teamNames = new HashMap<>();
        Map<String, List<TeamRef>> teams = new HashMap<>();
        Map<String, Boolean> service = new HashMap<>();
        query(
                c,
                "SELECT u.workload, u.team_id, t.name, bool_or(u.service) AS service, " + USAGE_SUMS
                        + " FROM usage_workload_day u LEFT JOIN team t ON t.id = u.team_id WHERE u.day BETWEEN ? AND ?"
                        + filter(only, team, "u.") + " GROUP BY u.workload, u.team_id, t.name",
                rs -> {
                    String w = rs.getString("workload");
                    usage.merge(w, usage(rs), Usage::plus);
                    service.merge(w, rs.getBoolean("service"), Boolean::logicalOr);
                    String teamName = rs.getString("name");
                    if (teamNames.computeIfAbsent(w, k -> new TreeSet<>()).add(teamName == null ? "" : teamName)) {
                        teams.computeIfAbsent(w, k -> new ArrayList<>())
                                .add(new TeamRef(rs.getObject("team_id", UUID.class), teamName));
                    }
                },
                args(p, only, team));
        Map<String, Map<String, Long>> outcomes = new TreeMap<>();
        query(
                c,
                "SELECT workload, kind, sum(outcomes) AS n FROM outcome_workload_day WHERE day BETWEEN ? AND ?"
                        + filter(only, team, "") + " GROUP BY workload, kind ORDER BY kind",
                rs -> outcomes.computeIfAbsent(rs.getString("workload"), k -> new TreeMap<>())
                        .put(rs.getString("kind"), rs.getLong("n")),
                args(p, only, team));
        Map<String, Long> runs = new HashMap<>();
        Object[] runArgs = instants(p, only, team);
        query(
                c,
                "SELECT workload, count(*) AS n FROM usage_run WHERE last_at >= ? AND last_at < ?"
                        + filter(only, team, "") + " GROUP BY workload",
                rs -> runs.put(rs.getString("workload"), rs.getLong("n")),
                runArgs);
        // The ROI model values outcomes by kind, AI flag and severity, honouring an outcome's own valueHours,
        // as the team pages do (Acc.outcomes); read from the outcomes themselves over the period's instants.
        Map<String, Long> value = new HashMap<>();
        query(
                c,
                "SELECT workload, kind, ai_assisted, lower(coalesce(severity, '')) AS severity, count(*) AS n,"
                        + " count(value_hours) AS e, coalesce(sum(value_hours), 0) AS h FROM outcome WHERE workload IS NOT NULL"
                        + " AND occurred_at >= ? AND occurred_at < ?" + filter(only, team, "")
                        + " GROUP BY workload, kind, ai_assisted, lower(coalesce(severity, ''))",
                rs -> value.merge(
                        rs.getString("workload"),
                        roi.valueNanos(
                                rs.getString("kind"),
                                rs.getBoolean("ai_assisted"),
                                rs.getString("severity"),
                                rs.getLong("n"),
                                rs.getLong("e"),
                                rs.getBigDecimal("h")),
                        RoiModel::addValues),
                runArgs);
        Map<String, Map<String, Long>> spendByModel = new HashMap<>();
        query(
                c,
                "SELECT workload, model, sum(cost_nanos) AS cost FROM usage_workload_day WHERE day BETWEEN ? AND ?"
                        + filter(only, team, "") + " GROUP BY workload, model",
                rs -> spendByModel
                        .computeIfAbsent(rs.getString("workload"), k -> new HashMap<>())
                        .put(rs.getString("model"), rs.getLong("cost")),
                args(p, only, team));
        Map<String, long[]> escalations = escalations(c, p, only, team);
        TreeSet<String> names = new TreeSet<>(usage.keySet());
        names.addAll(outcomes.keySet());
        List<Row> out = new ArrayList<>();
        for (String w : names) {
            Usage u = usage.getOrDefault(w, Usage.ZERO);
            Map<String, Long> o = outcomes.getOrDefault(w, Map.of());
            long bugs = o.getOrDefault(OutcomeData.BUG_CAUGHT, 0L) + o.getOrDefault(OutcomeData.SECURITY_FINDING, 0L);
            long prs = o.getOrDefault(OutcomeData.PR_MERGED, 0L);
            long tasks = o.getOrDefault(OutcomeData.TASK_AUTOMATED, 0L);
            long v = value.getOrDefault(w, 0L);
            long[] esc = escalations.getOrDefault(w, new long[2]);
            out.add(new Row(
                    w,
                    teams.getOrDefault(w, List.of()),
                    service.getOrDefault(w, false),
                    u,
                    runs.getOrDefault(w, 0L),
                    o,
                    bugs,
                    prs,
                    tasks,
                    per(u, bugs),
                    per(u, prs),
                    per(u, tasks),
                    v,
                    u.costNanos() <= 0
                            ? null
                            : BigDecimal.valueOf(v).divide(BigDecimal.valueOf(u.costNanos()), 2, RoundingMode.HALF_UP),
                    ModelTiers.of(spendByModel.getOrDefault(w, Map.of()), u.costNanos(), this::rank, esc[0], esc[1])));
        }
        out.sort(Comparator.comparingLong((Row r) -> r.usage().costNanos())
                .reversed()
                .thenComparing(Row::workload));
        return out;
    }

    /**
     * Priced spend per outcome, rounded half-up to the nano-dollar; null for no outcomes, and null when
     * every call was unpriced (there is no priced spend to divide, and $0 per outcome would read as free).
     */
    static Long per(Usage u, long count) {
        if (count == 0 || u.costNanos() == 0 && u.unpricedRequests() > 0) {
            return null;
        }
        long costNanos = u.costNanos();
        return BigDecimal.valueOf(costNanos)
                .divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_UP)
                .longValueExact();
    }

    /** Per workload: runs ending in the period that escalated, and their calls on the dearer models. */
    private Map<String, long[]> escalations(Connection c, Period p, String only, UUID team) throws SQLException {
        Map<String, Map<String, List<ModelTiers.RunModel>>> byRun = new HashMap<>();
        query(
                c,
                "SELECT m.workload, m.team_id, m.run_id, m.model, m.requests, m.first_at FROM usage_run_model m"
                        + " JOIN usage_run r ON r.team_id = m.team_id AND r.workload = m.workload AND r.run_id = m.run_id"
                        + " WHERE r.last_at >= ? AND r.last_at < ?" + filter(only, team, "m."),
                rs -> byRun.computeIfAbsent(rs.getString("workload"), k -> new HashMap<>())
                        .computeIfAbsent(rs.getString("team_id") + " " + rs.getString("run_id"), k -> new ArrayList<>())
                        .add(runModel(rs)),
                instants(p, only, team));
        Map<String, long[]> out = new HashMap<>();
        byRun.forEach((w, runs) -> {
            long[] e = out.computeIfAbsent(w, k -> new long[2]);
            for (List<ModelTiers.RunModel> models : runs.values()) {
                long calls = ModelTiers.escalatedCalls(models, this::rank);
                e[0] += calls > 0 ? 1 : 0;
                e[1] += calls;
            }
        });
        return out;
    }

    private static ModelTiers.RunModel runModel(ResultSet rs) throws SQLException {
        return new ModelTiers.RunModel(
                rs.getString("model"),
                rs.getLong("requests"),
                rs.getObject("first_at", OffsetDateTime.class).toInstant());
    }

    private List<Run> runs(Connection c, Period p, String workload) throws SQLException {
        List<Object[]> raw = new ArrayList<>();
        query(
                c,
                "SELECT r.run_id, r.team_id, t.name, r.first_at, r.last_at, " + ROW_USAGE
                        + ", (SELECT count(*) FROM outcome o WHERE o.workload = r.workload"
                        + " AND o.occurred_at >= r.first_at AND o.occurred_at <= r.last_at) AS outcomes"
                        + " FROM usage_run r LEFT JOIN team t ON t.id = r.team_id WHERE r.workload = ? AND r.last_at >= ?"
                        + " AND r.last_at < ? ORDER BY r.last_at DESC, r.run_id LIMIT " + MAX_RUNS,
                rs -> {
                    Instant first =
                            rs.getObject("first_at", OffsetDateTime.class).toInstant();
                    Instant last = rs.getObject("last_at", OffsetDateTime.class).toInstant();
                    raw.add(new Object[] {
                        rs.getString("run_id"),
                        rs.getObject("team_id", UUID.class),
                        rs.getString("name"),
                        first,
                        last,
                        usage(rs),
                        rs.getLong("outcomes")
                    });
                },
                workload,
                from(p),
                until(p));
        Map<String, List<ModelTiers.RunModel>> models = new HashMap<>();
        query(
                c,
                "SELECT m.team_id, m.run_id, m.model, m.requests, m.first_at FROM usage_run_model m JOIN usage_run r"
                        + " ON r.team_id = m.team_id AND r.workload = m.workload AND r.run_id = m.run_id WHERE m.workload = ?"
                        + " AND r.last_at >= ? AND r.last_at < ?",
                rs -> models.computeIfAbsent(
                                rs.getString("team_id") + " " + rs.getString("run_id"), k -> new ArrayList<>())
                        .add(runModel(rs)),
                workload,
                from(p),
                until(p));
        long longest = 0;
        long dearest = 0;
        for (Object[] r : raw) {
            longest = Math.max(
                    longest, Duration.between((Instant) r[3], (Instant) r[4]).toSeconds());
            dearest = Math.max(dearest, ((Usage) r[5]).costNanos());
        }
        List<Run> out = new ArrayList<>();
        for (Object[] r : raw) {
            long seconds = Duration.between((Instant) r[3], (Instant) r[4]).toSeconds();
            Usage u = (Usage) r[5];
            long escalated = ModelTiers.escalatedCalls(models.getOrDefault(r[1] + " " + r[0], List.of()), this::rank);
            out.add(new Run(
                    (String) r[0],
                    (UUID) r[1],
                    (String) r[2],
                    (Instant) r[3],
                    (Instant) r[4],
                    seconds,
                    u,
                    (Long) r[6],
                    raw.size() > 1 && seconds == longest && longest > 0,
                    raw.size() > 1 && u.costNanos() == dearest && dearest > 0,
                    escalated > 0,
                    escalated));
        }
        return out;
    }

    private List<Model> models(Connection c, Period p, String workload) throws SQLException {
        List<String> names = new ArrayList<>();
        List<Usage> usages = new ArrayList<>();
        query(
                c,
                "SELECT model, " + USAGE_SUMS + " FROM usage_workload_day WHERE day BETWEEN ? AND ? AND workload = ?"
                        + " GROUP BY model ORDER BY sum(cost_nanos) DESC, model",
                rs -> {
                    names.add(rs.getString("model"));
                    usages.add(usage(rs));
                },
                day(p.from()),
                day(p.to()),
                workload);
        long total = usages.stream().mapToLong(Usage::costNanos).sum();
        List<Model> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(new Model(
                    names.get(i),
                    usages.get(i),
                    total == 0 ? 0 : (double) usages.get(i).costNanos() / total));
        }
        return out;
    }

    /**
     * Per client: people (from client_activity: never service keys; not counted for one workload) and
     * calls, of one workload or team, or all.
     */
    private List<Tool> tools(Connection c, Period p, String workload, UUID team) throws SQLException {
        Map<String, Usage> usage = new TreeMap<>();
        query(
                c,
                "SELECT client, " + USAGE_SUMS + " FROM usage_workload_day WHERE day BETWEEN ? AND ?"
                        + filter(workload, team, "") + " GROUP BY client",
                rs -> usage.put(rs.getString("client"), usage(rs)),
                args(p, workload, team));
        Map<String, Long> people = new HashMap<>();
        if (workload == null) {
            // one bitmap row per person, tool and year; a day of the period set = active with that tool
            StringBuilder where = new StringBuilder("(");
            List<Object> a = new ArrayList<>();
            for (int y = p.from().getYear(); y <= p.to().getYear(); y++) {
                LocalDate start = y == p.from().getYear() ? p.from() : LocalDate.of(y, 1, 1);
                LocalDate end = y == p.to().getYear() ? p.to() : LocalDate.of(y, 12, 31);
                where.append(where.length() > 1 ? " OR " : "")
                        .append("(year = ? AND bit_count(substring(days FROM ? FOR ?)) > 0)");
                a.add((short) y);
                a.add(start.getDayOfYear());
                a.add(end.getDayOfYear() - start.getDayOfYear() + 1);
            }
            where.append(')');
            if (team != null) {
                a.add(team);
            }
            query(
                    c,
                    "SELECT client, count(DISTINCT employee_id) AS n FROM client_activity WHERE " + where
                            + (team == null ? "" : " AND team_id = ?") + " GROUP BY client",
                    rs -> people.put(rs.getString("client"), rs.getLong("n")),
                    a.toArray());
        }
        TreeSet<String> clients = new TreeSet<>(usage.keySet());
        clients.addAll(people.keySet());
        List<Tool> out = new ArrayList<>();
        for (String client : clients) {
            // client_activity has no workload: one workload's people per tool are unknown, not 0
            out.add(new Tool(
                    client,
                    workload == null ? people.getOrDefault(client, 0L) : null,
                    usage.getOrDefault(client, Usage.ZERO)));
        }
        out.sort(Comparator.comparingLong((Tool t) -> t.people() == null ? 0 : t.people())
                .thenComparingLong(t -> t.usage().requests())
                .reversed());
        return out;
    }

    private static String filter(String workload, UUID team, String alias) {
        return (workload == null ? "" : " AND " + alias + "workload = ?")
                + (team == null ? "" : " AND " + alias + "team_id = ?");
    }

    private static Object[] args(Period p, String workload, UUID team) {
        List<Object> a = new ArrayList<>(List.of(day(p.from()), day(p.to())));
        if (workload != null) {
            a.add(workload);
        }
        if (team != null) {
            a.add(team);
        }
        return a.toArray();
    }

    /** The period's first and last instant (the organisation's days), then the filters' values. */
    private Object[] instants(Period p, String workload, UUID team) {
        List<Object> a = new ArrayList<>(List.of(from(p), until(p)));
        if (workload != null) {
            a.add(workload);
        }
        if (team != null) {
            a.add(team);
        }
        return a.toArray();
    }

    private static Date day(LocalDate d) {
        return Date.valueOf(d);
    }

    private OffsetDateTime from(Period p) {
        return calendar.start(p.from()).atOffset(ZoneOffset.UTC);
    }

    private OffsetDateTime until(Period p) {
        return calendar.start(p.to().plusDays(1)).atOffset(ZoneOffset.UTC);
    }

    private static Usage usage(ResultSet rs) throws SQLException {
        return new Usage(
                rs.getLong("requests"),
                rs.getLong("error_requests"),
                rs.getLong("cost_nanos"),
                rs.getLong("unpriced_requests"),
                rs.getLong("input_tokens"),
                rs.getLong("output_tokens"));
    }

    interface RowSink {
        void accept(ResultSet rs) throws SQLException;
    }

    interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    /** The report for {@code key}: reused while {@code rollup_version} has not moved, else read in this snapshot. */
    private Object cached(Key key, Read<?> read) {
        try {
            return RollupSnapshot.read(dataSource, null, (c, version) -> cache.get(key, version, () -> read.apply(c)));
        } catch (SQLException e) {
            throw new IllegalStateException("reading workload rollups failed: " + e.getMessage(), e);
        }
    }

    private static void query(Connection c, String sql, RowSink sink, Object... args) throws SQLException {
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
}
