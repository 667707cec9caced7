package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import dev.tally.dashboard.roi.RoiModel;
import dev.tally.rollup.UsageMeasure;

/**
 * Reads what a team's report needs from the rollups (dev.tally.rollup.Rollups), in the caller's
 * snapshot (the org's is summed from cached months: {@link MonthRollups}). Every query reads
 * pre-aggregated rows, except the team's own people's:
 *
 * <ul>
 * <li>both periods: whole months from {@code *_team_month}, the days around them from
 * {@code *_team_day} ({@link Period#parts()});
 * <li>per day, per model and per person: the team's {@code usage_daily} rows and its
 * {@code outcome_team_day};
 * <li>active users: one bitmap row per employee and year ({@code employee_activity}).
 * </ul>
 */
final class RollupReader {

    /**
     * What a report reads from the rollups: built once per scope, period, ROI model and rollup version.
     * Each team's {@link Acc#active} holds the people active for it, so the report counts a scope's
     * people and its active users distinct across its teams (a person who moved teams was active for both).
     * {@code orgActive} and {@code orgActivePrevious}: the organisation's distinct active people in the
     * period and the one before, counted once with the sums (not on every request), or -1 for a team's.
     */
    record Sums(
            Map<UUID, Acc> current,
            Map<UUID, Acc> previous,
            Map<LocalDate, Acc> days,
            Map<String, Acc> models,
            Map<String, TreeSet<String>> providers,
            Map<UUID, Acc> employees,
            long orgActive,
            long orgActivePrevious) {}

    static final String OUTCOME_COLUMNS = "kind, ai_assisted, severity, outcomes, explicit_outcomes, explicit_hours";
    private static final String OUTCOME_SUMS = "kind, ai_assisted, severity, sum(outcomes) AS outcomes,"
            + " sum(explicit_outcomes) AS explicit_outcomes, sum(explicit_hours) AS explicit_hours";

    private final Connection c;
    private final UUID team;
    private final Period period;
    private final RoiModel roi;

    private RollupReader(Connection c, UUID team, Period period, RoiModel roi) {
        this.c = c;
        this.team = team;
        this.period = period;
        this.roi = roi;
    }

    /** The sums of {@code team} over the period and the one before it. */
    static Sums read(Connection c, UUID team, Period period, RoiModel roi) throws SQLException {
        return new RollupReader(c, team, period, roi).read();
    }

    private Sums read() throws SQLException {
        Sums s = new Sums(
                new HashMap<>(),
                new HashMap<>(),
                new HashMap<>(),
                new HashMap<>(),
                new HashMap<>(),
                new HashMap<>(),
                -1,
                -1);
        Period prev = period.previous();
        perTeam("usage", UsageMeasure.columns(), UsageMeasure.sums(), "", prev, s, (a, rs) -> a.usage.add(rs));
        perTeam(
                "outcome",
                OUTCOME_COLUMNS,
                OUTCOME_SUMS,
                ", kind, ai_assisted, severity",
                prev,
                s,
                (a, rs) -> a.outcomes(roi, rs));
        // Per day, per model and per person from one scan of the team's detailed rows.
        query(
                c,
                "SELECT day, model, provider, employee_id, " + UsageMeasure.sums()
                        + " FROM usage_daily WHERE day BETWEEN ? AND ? AND team_id = ?"
                        + " GROUP BY GROUPING SETS ((day), (model, provider), (employee_id))",
                rs -> {
                    LocalDate day = rs.getObject("day", LocalDate.class);
                    String model = rs.getString("model");
                    UUID employee = rs.getObject("employee_id", UUID.class);
                    if (day != null) {
                        s.days.computeIfAbsent(day, k -> new Acc()).usage.add(rs);
                    } else if (model != null) {
                        s.models.computeIfAbsent(model, k -> new Acc()).usage.add(rs);
                        s.providers.computeIfAbsent(model, k -> new TreeSet<>()).add(rs.getString("provider"));
                    } else if (employee != null) {
                        s.employees
                                .computeIfAbsent(employee, k -> new Acc())
                                .usage
                                .add(rs);
                    }
                },
                periodArgs());
        query(
                c,
                "SELECT day, " + OUTCOME_COLUMNS + " FROM outcome_team_day WHERE day BETWEEN ? AND ? AND team_id = ?",
                rs -> s.days.computeIfAbsent(rs.getObject("day", LocalDate.class), k -> new Acc())
                        .outcomes(roi, rs),
                periodArgs());
        activeUsers(prev, s);
        return s;
    }

    private Object[] periodArgs() {
        return new Object[] {Date.valueOf(period.from()), Date.valueOf(period.to()), team};
    }

    interface Fold {
        void add(Acc a, ResultSet rs) throws SQLException;
    }

    /** Per team and period ({@code cur}): {@code <prefix>_team_month} rows for whole months, {@code _team_day} around them. */
    private void perTeam(String prefix, String columns, String sums, String groups, Period prev, Sums s, Fold fold)
            throws SQLException {
        List<Object> args = new ArrayList<>();
        String sql = "SELECT team_id, cur, " + sums + " FROM (" + parts(prefix, columns, period, true, args)
                + " UNION ALL " + parts(prefix, columns, prev, false, args) + ") p GROUP BY team_id, cur" + groups;
        query(
                c,
                sql,
                rs -> fold.add(
                        (rs.getBoolean("cur") ? s.current : s.previous)
                                .computeIfAbsent(rs.getObject("team_id", UUID.class), k -> new Acc()),
                        rs),
                args.toArray());
    }

    private String parts(String prefix, String columns, Period p, boolean cur, List<Object> args) {
        Period.Parts parts = p.parts();
        args.add(Date.valueOf(parts.monthsFrom()));
        args.add(Date.valueOf(parts.monthsTo()));
        args.add(team);
        args.add(Date.valueOf(parts.from()));
        args.add(Date.valueOf(parts.monthsFrom()));
        args.add(Date.valueOf(parts.monthsTo()));
        args.add(Date.valueOf(parts.to()));
        args.add(team);
        return "SELECT team_id, " + cur + " AS cur, " + columns + " FROM " + prefix + "_team_month WHERE month >= ?"
                + " AND month < ? AND team_id = ? UNION ALL SELECT team_id, " + cur + ", " + columns + " FROM " + prefix
                + "_team_day WHERE (day >= ? AND day < ? OR day >= ? AND day <= ?) AND team_id = ?";
    }

    /** The people active for the team in each period, from the per-year activity bitmaps, in one scan. */
    private void activeUsers(Period prev, Sums s) throws SQLException {
        List<Object> args = new ArrayList<>();
        String curCond = activeCondition(period, args);
        String prevCond = activeCondition(prev, args);
        StringBuilder years = new StringBuilder();
        for (int y = prev.from().getYear(); y <= period.to().getYear(); y++) {
            years.append(years.length() == 0 ? "?" : ", ?");
            args.add((short) y);
        }
        args.add(team);
        query(
                c,
                "SELECT employee_id, bool_or(" + curCond + ") AS cur, bool_or(" + prevCond + ") AS prev"
                        + " FROM employee_activity WHERE year IN (" + years + ") AND team_id = ?"
                        + " GROUP BY employee_id",
                rs -> {
                    UUID person = rs.getObject("employee_id", UUID.class);
                    if (rs.getBoolean("cur")) {
                        s.current.computeIfAbsent(team, k -> new Acc()).active.add(person);
                    }
                    if (rs.getBoolean("prev")) {
                        s.previous.computeIfAbsent(team, k -> new Acc()).active.add(person);
                    }
                },
                args.toArray());
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

    interface RowSink {
        void accept(ResultSet rs) throws SQLException;
    }

    /** Runs {@code sql} with {@code args} and hands each row to {@code sink}. */
    static void query(Connection c, String sql, RowSink sink, Object... args) throws SQLException {
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
