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

import dev.tally.dashboard.report.Period;
import dev.tally.events.OutcomeData;
import dev.tally.platform.ApiException;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.workload.WorkloadReport.Detail;
import dev.tally.workload.WorkloadReport.Model;
import dev.tally.workload.WorkloadReport.Overview;
import dev.tally.workload.WorkloadReport.Row;
import dev.tally.workload.WorkloadReport.Run;
import dev.tally.workload.WorkloadReport.TeamRef;
import dev.tally.workload.WorkloadReport.Tool;
import dev.tally.workload.WorkloadReport.Usage;

/**
 * Reads the workloads report from the rollups the aggregator writes ({@code usage_workload_day},
 * {@code usage_run}, {@code client_activity}, {@code outcome_workload_day}), each report in one
 * read-only repeatable-read snapshot, so its figures agree with each other and with the events.
 */
@ApplicationScoped
public class WorkloadReportService {

    /** At most this many runs are listed for one workload and period (newest first). */
    public static final int MAX_RUNS = 500;

    private static final String USAGE_SUMS = "sum(requests) AS requests, sum(error_requests) AS error_requests,"
            + " sum(cost_nanos) AS cost_nanos, sum(unpriced_requests) AS unpriced_requests,"
            + " sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens";

    /** The same columns as {@link #USAGE_SUMS}, of one row. */
    private static final String ROW_USAGE = "requests, error_requests, cost_nanos, unpriced_requests, input_tokens,"
            + " output_tokens";

    private final DataSource dataSource;
    private final OrgCalendar calendar;

    public WorkloadReportService(DataSource dataSource, OrgCalendar calendar) {
        this.dataSource = dataSource;
        this.calendar = calendar;
    }

    /** Every workload that had calls or outcomes in the period, by spend; and adoption by tool (of {@code team}, or all). */
    public Overview overview(Period period, UUID team) {
        return inSnapshot(c -> new Overview(period.from(), period.to(), rows(c, period, null, team),
                tools(c, period, null, team)));
    }

    /** One workload: its row, runs, model mix and tools. */
    public Detail workload(String name, Period period) {
        if (!WorkloadNames.validName(name)) {
            throw ApiException.badRequest("workload: '" + name + "' is not a workload name (" + WorkloadNames.NAME_RULE + ")");
        }
        return inSnapshot(c -> {
            List<Row> rows = rows(c, period, name, null);
            Row row = rows.isEmpty() ? new Row(name, List.of(), false, Usage.ZERO, 0, Map.of(), 0, 0, 0, null, null, null)
                    : rows.get(0);
            return new Detail(period.from(), period.to(), row, runs(c, period, name), models(c, period, name),
                    tools(c, period, name, null));
        });
    }

    private List<Row> rows(Connection c, Period p, String only, UUID team) throws SQLException {
        Map<String, Usage> usage = new TreeMap<>();
        Map<String, TreeSet<String>> teamNames = new HashMap<>();
        Map<String, List<TeamRef>> teams = new HashMap<>();
        Map<String, Boolean> service = new HashMap<>();
        query(c, "SELECT u.workload, u.team_id, t.name, bool_or(u.service) AS service, " + USAGE_SUMS
                + " FROM usage_workload_day u LEFT JOIN team t ON t.id = u.team_id WHERE u.day BETWEEN ? AND ?"
                + filter(only, team, "u.") + " GROUP BY u.workload, u.team_id, t.name", rs -> {
                    String w = rs.getString("workload");
                    usage.merge(w, usage(rs), Usage::plus);
                    service.merge(w, rs.getBoolean("service"), Boolean::logicalOr);
                    String teamName = rs.getString("name");
                    if (teamNames.computeIfAbsent(w, k -> new TreeSet<>()).add(teamName == null ? "" : teamName)) {
                        teams.computeIfAbsent(w, k -> new ArrayList<>())
                                .add(new TeamRef(rs.getObject("team_id", UUID.class), teamName));
                    }
                }, args(p, only, team));
        Map<String, Map<String, Long>> outcomes = new TreeMap<>();
        query(c, "SELECT workload, kind, sum(outcomes) AS n FROM outcome_workload_day WHERE day BETWEEN ? AND ?"
                + filter(only, team, "") + " GROUP BY workload, kind ORDER BY kind",
                rs -> outcomes.computeIfAbsent(rs.getString("workload"), k -> new TreeMap<>())
                        .put(rs.getString("kind"), rs.getLong("n")), args(p, only, team));
        Map<String, Long> runs = new HashMap<>();
        List<Object> runArgs = new ArrayList<>(List.of(from(p), until(p)));
        if (only != null) {
            runArgs.add(only);
        }
        if (team != null) {
            runArgs.add(team);
        }
        query(c, "SELECT workload, count(*) AS n FROM usage_run WHERE last_at >= ? AND last_at < ?"
                + filter(only, team, "") + " GROUP BY workload",
                rs -> runs.put(rs.getString("workload"), rs.getLong("n")), runArgs.toArray());
        TreeSet<String> names = new TreeSet<>(usage.keySet());
        names.addAll(outcomes.keySet());
        List<Row> out = new ArrayList<>();
        for (String w : names) {
            Usage u = usage.getOrDefault(w, Usage.ZERO);
            Map<String, Long> o = outcomes.getOrDefault(w, Map.of());
            long bugs = o.getOrDefault(OutcomeData.BUG_CAUGHT, 0L) + o.getOrDefault(OutcomeData.SECURITY_FINDING, 0L);
            long prs = o.getOrDefault(OutcomeData.PR_MERGED, 0L);
            long tasks = o.getOrDefault(OutcomeData.TASK_AUTOMATED, 0L);
            out.add(new Row(w, teams.getOrDefault(w, List.of()), service.getOrDefault(w, false), u,
                    runs.getOrDefault(w, 0L), o, bugs, prs, tasks, per(u.costNanos(), bugs), per(u.costNanos(), prs),
                    per(u.costNanos(), tasks)));
        }
        out.sort(Comparator.comparingLong((Row r) -> r.usage().costNanos()).reversed().thenComparing(Row::workload));
        return out;
    }

    /** Spend per outcome, rounded half-up to the nano-dollar; null for no outcomes. */
    static Long per(long costNanos, long count) {
        if (count == 0) {
            return null;
        }
        return BigDecimal.valueOf(costNanos).divide(BigDecimal.valueOf(count), 0, RoundingMode.HALF_UP).longValueExact();
    }

    private List<Run> runs(Connection c, Period p, String workload) throws SQLException {
        List<Object[]> raw = new ArrayList<>();
        query(c, "SELECT r.run_id, r.team_id, t.name, r.first_at, r.last_at, " + ROW_USAGE + ", (SELECT count(*) FROM outcome o WHERE o.workload = r.workload"
                + " AND o.occurred_at >= r.first_at AND o.occurred_at <= r.last_at) AS outcomes"
                + " FROM usage_run r LEFT JOIN team t ON t.id = r.team_id WHERE r.workload = ? AND r.last_at >= ?"
                + " AND r.last_at < ? ORDER BY r.last_at DESC, r.run_id LIMIT " + MAX_RUNS, rs -> {
                    Instant first = rs.getObject("first_at", OffsetDateTime.class).toInstant();
                    Instant last = rs.getObject("last_at", OffsetDateTime.class).toInstant();
                    raw.add(new Object[] { rs.getString("run_id"), rs.getObject("team_id", UUID.class),
                            rs.getString("name"), first, last, usage(rs), rs.getLong("outcomes") });
                }, workload, from(p), until(p));
        long longest = 0;
        long dearest = 0;
        for (Object[] r : raw) {
            longest = Math.max(longest, Duration.between((Instant) r[3], (Instant) r[4]).toSeconds());
            dearest = Math.max(dearest, ((Usage) r[5]).costNanos());
        }
        List<Run> out = new ArrayList<>();
        for (Object[] r : raw) {
            long seconds = Duration.between((Instant) r[3], (Instant) r[4]).toSeconds();
            Usage u = (Usage) r[5];
            out.add(new Run((String) r[0], (UUID) r[1], (String) r[2], (Instant) r[3], (Instant) r[4], seconds, u,
                    (Long) r[6], raw.size() > 1 && seconds == longest && longest > 0,
                    raw.size() > 1 && u.costNanos() == dearest && dearest > 0));
        }
        return out;
    }

    private List<Model> models(Connection c, Period p, String workload) throws SQLException {
        List<String> names = new ArrayList<>();
        List<Usage> usages = new ArrayList<>();
        query(c, "SELECT model, " + USAGE_SUMS + " FROM usage_workload_day WHERE day BETWEEN ? AND ? AND workload = ?"
                + " GROUP BY model ORDER BY sum(cost_nanos) DESC, model", rs -> {
                    names.add(rs.getString("model"));
                    usages.add(usage(rs));
                }, day(p.from()), day(p.to()), workload);
        long total = usages.stream().mapToLong(Usage::costNanos).sum();
        List<Model> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            out.add(new Model(names.get(i), usages.get(i), total == 0 ? 0 : (double) usages.get(i).costNanos() / total));
        }
        return out;
    }

    /** Per client: people (from client_activity: never service keys) and calls, of one workload or team, or all. */
    private List<Tool> tools(Connection c, Period p, String workload, UUID team) throws SQLException {
        Map<String, Usage> usage = new TreeMap<>();
        query(c, "SELECT client, " + USAGE_SUMS + " FROM usage_workload_day WHERE day BETWEEN ? AND ?"
                + filter(workload, team, "") + " GROUP BY client", rs -> usage.put(rs.getString("client"), usage(rs)),
                args(p, workload, team));
        Map<String, Long> people = new HashMap<>();
        if (workload == null) {
            // one bitmap row per person, tool and year; a day of the period set = active with that tool
            StringBuilder where = new StringBuilder("(");
            List<Object> a = new ArrayList<>();
            for (int y = p.from().getYear(); y <= p.to().getYear(); y++) {
                LocalDate start = y == p.from().getYear() ? p.from() : LocalDate.of(y, 1, 1);
                LocalDate end = y == p.to().getYear() ? p.to() : LocalDate.of(y, 12, 31);
                where.append(where.length() > 1 ? " OR " : "").append("(year = ? AND bit_count(substring(days FROM ? FOR ?)) > 0)");
                a.add((short) y);
                a.add(start.getDayOfYear());
                a.add(end.getDayOfYear() - start.getDayOfYear() + 1);
            }
            where.append(')');
            if (team != null) {
                a.add(team);
            }
            query(c, "SELECT client, count(DISTINCT employee_id) AS n FROM client_activity WHERE " + where
                    + (team == null ? "" : " AND team_id = ?") + " GROUP BY client",
                    rs -> people.put(rs.getString("client"), rs.getLong("n")), a.toArray());
        }
        TreeSet<String> clients = new TreeSet<>(usage.keySet());
        clients.addAll(people.keySet());
        List<Tool> out = new ArrayList<>();
        for (String client : clients) {
            out.add(new Tool(client, people.getOrDefault(client, 0L), usage.getOrDefault(client, Usage.ZERO)));
        }
        out.sort(Comparator.comparingLong(Tool::people).thenComparingLong(t -> t.usage().requests()).reversed());
        return out;
    }

    private static String filter(String workload, UUID team, String alias) {
        return (workload == null ? "" : " AND " + alias + "workload = ?") + (team == null ? "" : " AND " + alias + "team_id = ?");
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
        return new Usage(rs.getLong("requests"), rs.getLong("error_requests"), rs.getLong("cost_nanos"),
                rs.getLong("unpriced_requests"), rs.getLong("input_tokens"), rs.getLong("output_tokens"));
    }

    interface RowSink {
        void accept(ResultSet rs) throws SQLException;
    }

    interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T inSnapshot(Read<T> read) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            try {
                return read.apply(c);
            } finally {
                c.rollback();
                c.setReadOnly(false);
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                c.setAutoCommit(true);
            }
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
