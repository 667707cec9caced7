package dev.tally.dashboard.report;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import dev.tally.dashboard.roi.RoiModel;
import dev.tally.rollup.UsageMeasure;
import dev.tally.rollup.UsageSums;

/**
 * The organisation's rollups of ONE month of its calendar, per team and day: what any period's org
 * report needs from that month. Read in the report's snapshot and cached under the month's version
 * ({@code rollup_month_version}, moved by the aggregator in every transaction that writes a row of
 * that month), so the page after a write for today reads this month again and reuses the earlier
 * ones (docs/rollups.md, "How the pages stay fast").
 *
 * <p>Outcomes are kept as counts and valued when a period is summed, once per team and group as the
 * SQL sums were (the ROI model rounds to the nano-dollar, so summing values would differ); activity is
 * each person's active days of the month (a distinct count cannot be added across months).
 */
final class MonthRollups {

    /** An outcome group of a rollup row. */
    record Group(String kind, boolean ai, String severity) {}

    /** The counts of one outcome group. */
    static final class Counts {
        long outcomes;
        long explicit;
        BigDecimal hours = BigDecimal.ZERO;

        void add(long n, long e, BigDecimal h) {
            outcomes = Math.addExact(outcomes, n);
            explicit = Math.addExact(explicit, e);
            hours = hours.add(h);
        }

        void add(Counts o) {
            add(o.outcomes, o.explicit, o.hours);
        }

        void valueInto(Acc a, RoiModel roi, Group g) {
            a.outcomes(roi, g.kind(), g.ai(), g.severity(), outcomes, explicit, hours);
        }
    }

    /** One team's month: usage and outcomes by day (index: day of month - 1; null: no row), active days by person. */
    private final class Team {
        final UsageSums[] usage = new UsageSums[length];
        final Map<Group, Counts[]> outcomes = new HashMap<>();
        final Map<UUID, Integer> activeDays = new HashMap<>();
    }

    private final LocalDate month;
    private final int length;
    private final Map<UUID, Team> teams = new HashMap<>();
    /** {@link #active} of the organisation, once asked for. */
    private volatile Map<UUID, Integer> orgActive;

    private final UsageSums[] orgUsage;
    private final List<Map<Group, Counts>> orgOutcomes = new ArrayList<>();
    /** model → provider → usage by day. */
    private final Map<String, Map<String, UsageSums[]>> models = new TreeMap<>();

    private MonthRollups(LocalDate month) {
        this.month = month;
        this.length = month.lengthOfMonth();
        this.orgUsage = new UsageSums[length];
        for (int d = 0; d < length; d++) {
            orgOutcomes.add(new HashMap<>());
        }
    }

    /** Reads the month starting on {@code month} (its first day) in the caller's snapshot. */
    static MonthRollups read(Connection c, LocalDate month) throws SQLException {
        MonthRollups m = new MonthRollups(month);
        m.readTeams(c, null);
        m.readOrg(c);
        return m;
    }

    /**
     * This month as the caller's snapshot sees it, from this copy, read at month version {@code since}: the
     * teams marked with a later version ({@code rollup_team_month_version}, moved with the month's version
     * in every transaction that writes a team's row of the month) and the org-wide rows are read again,
     * every other team is reused (its rows are unchanged since). A new object: this one may be in use.
     */
    MonthRollups refresh(Connection c, long since) throws SQLException {
        List<UUID> changed = new ArrayList<>();
        RollupReader.query(
                c,
                "SELECT team_id FROM rollup_team_month_version WHERE month = ? AND version > ?",
                rs -> changed.add(rs.getObject("team_id", UUID.class)),
                Date.valueOf(month),
                since);
        MonthRollups m = new MonthRollups(month);
        m.teams.putAll(teams);
        changed.forEach(m.teams::remove);
        if (!changed.isEmpty()) {
            m.readTeams(c, c.createArrayOf("uuid", changed.toArray()));
        }
        m.readOrg(c);
        return m;
    }

    /** The month's first and last day, and {@code more} query arguments after them. */
    private Object[] days(Object... more) {
        List<Object> args = new ArrayList<>(List.of(Date.valueOf(month), Date.valueOf(month.plusDays(length - 1L))));
        args.addAll(List.of(more));
        return args.toArray();
    }

    /** The per-team rows of the month: of every team ({@code only} null), or of the teams in {@code only}. */
    private void readTeams(Connection c, Array only) throws SQLException {
        String teams = only == null ? "" : " AND team_id = ANY (?)";
        Object[] days = only == null ? days() : days(only);
        RollupReader.query(
                c,
                "SELECT team_id, day, " + UsageMeasure.columns() + " FROM usage_team_day WHERE day BETWEEN ? AND ?"
                        + teams,
                rs -> team(rs).usage[index(rs)] = new UsageSums().add(rs),
                days);
        RollupReader.query(
                c,
                "SELECT team_id, day, " + RollupReader.OUTCOME_COLUMNS
                        + " FROM outcome_team_day WHERE day BETWEEN ? AND ?" + teams,
                rs -> counts(team(rs).outcomes.computeIfAbsent(group(rs), g -> new Counts[length]), index(rs))
                        .add(
                                rs.getLong("outcomes"),
                                rs.getLong("explicit_outcomes"),
                                rs.getBigDecimal("explicit_hours")),
                days);
        // employee_activity keeps a bit per day of the year: this month's run of bits, for the people active in it
        int first = month.getDayOfYear();
        List<Object> args = new ArrayList<>(List.of(first, length, (short) month.getYear(), first, length));
        if (only != null) {
            args.add(only);
        }
        RollupReader.query(
                c,
                "SELECT team_id, employee_id, substring(days FROM ? FOR ?)::text AS days FROM employee_activity"
                        + " WHERE year = ? AND bit_count(substring(days FROM ? FOR ?)) > 0" + teams,
                rs -> team(rs).activeDays
                        .merge(rs.getObject("employee_id", UUID.class), mask(rs.getString("days")), (a, b) -> a | b),
                args.toArray());
    }

    /** The org-wide rows of the month: usage by model and outcomes by day. */
    private void readOrg(Connection c) throws SQLException {
        Object[] days = days();
        RollupReader.query(
                c,
                "SELECT day, provider, model, " + UsageMeasure.columns()
                        + " FROM usage_model_day WHERE day BETWEEN ? AND ?",
                rs -> {
                    int d = index(rs);
                    UsageSums row = new UsageSums().add(rs);
                    (orgUsage[d] == null ? orgUsage[d] = new UsageSums() : orgUsage[d]).add(row);
                    counted(
                                    models.computeIfAbsent(rs.getString("model"), k -> new TreeMap<>())
                                            .computeIfAbsent(rs.getString("provider"), k -> new UsageSums[length]),
                                    d)
                            .add(row);
                },
                days);
        RollupReader.query(
                c,
                "SELECT day, " + RollupReader.OUTCOME_COLUMNS + " FROM outcome_org_day WHERE day BETWEEN ? AND ?",
                rs -> orgOutcomes
                        .get(index(rs))
                        .computeIfAbsent(group(rs), g -> new Counts())
                        .add(
                                rs.getLong("outcomes"),
                                rs.getLong("explicit_outcomes"),
                                rs.getBigDecimal("explicit_hours")),
                days);
    }

    /** Bit {@code d} set: day {@code d + 1} of the month. */
    private static int mask(String bits) {
        int m = 0;
        for (int i = 0; i < bits.length(); i++) {
            if (bits.charAt(i) == '1') {
                m |= 1 << i;
            }
        }
        return m;
    }

    private static Group group(ResultSet rs) throws SQLException {
        return new Group(rs.getString("kind"), rs.getBoolean("ai_assisted"), rs.getString("severity"));
    }

    private static Counts counts(Counts[] byDay, int d) {
        return byDay[d] == null ? byDay[d] = new Counts() : byDay[d];
    }

    private static UsageSums counted(UsageSums[] byDay, int d) {
        return byDay[d] == null ? byDay[d] = new UsageSums() : byDay[d];
    }

    private Team team(ResultSet rs) throws SQLException {
        return teams.computeIfAbsent(rs.getObject("team_id", UUID.class), k -> new Team());
    }

    private int index(ResultSet rs) throws SQLException {
        return rs.getObject("day", LocalDate.class).getDayOfMonth() - 1;
    }

    /** The first month a period of {@code from..to} touches, and the ones after it up to {@code to}'s. */
    static List<LocalDate> months(LocalDate from, LocalDate to) {
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate m = from.withDayOfMonth(1); !m.isAfter(to); m = m.plusMonths(1)) {
            out.add(m);
        }
        return out;
    }

    /** Where the months come from: the cache, or a read in the report's snapshot. */
    @FunctionalInterface
    interface Source {
        MonthRollups month(LocalDate first) throws SQLException;
    }

    /**
     * The org's sums of {@code period} and the one before it, summed from the months they touch: the
     * same figures as {@link RollupReader#read} for the org.
     */
    static RollupReader.Sums sums(Source months, Period period, RoiModel roi) throws SQLException {
        Map<UUID, Acc> current = new HashMap<>();
        Map<UUID, Acc> previous = new HashMap<>();
        int active = perTeam(months, period, roi, current);
        int activePrevious = perTeam(months, period.previous(), roi, previous);
        RollupReader.Sums s = new RollupReader.Sums(
                current, previous, new HashMap<>(), new HashMap<>(), new HashMap<>(), Map.of(), active, activePrevious);
        for (LocalDate first : months(period.from(), period.to())) {
            MonthRollups m = months.month(first);
            int from = m.start(period);
            int to = m.end(period);
            for (int d = from; d <= to; d++) {
                Map<Group, Counts> outcomes = m.orgOutcomes.get(d);
                if (m.orgUsage[d] == null && outcomes.isEmpty()) {
                    continue;
                }
                Acc a = s.days().computeIfAbsent(first.plusDays(d), k -> new Acc());
                if (m.orgUsage[d] != null) {
                    a.usage.add(m.orgUsage[d]);
                }
                outcomes.forEach((g, n) -> n.valueInto(a, roi, g));
            }
            m.models.forEach((model, providers) -> providers.forEach((provider, byDay) -> {
                for (int d = from; d <= to; d++) {
                    if (byDay[d] != null) {
                        s.models().computeIfAbsent(model, k -> new Acc()).usage.add(byDay[d]);
                        s.providers()
                                .computeIfAbsent(model, k -> new TreeSet<>())
                                .add(provider);
                    }
                }
            }));
        }
        return s;
    }

    /**
     * Per seven-day window counted back from {@code last} (window 0 ends on it), distinct across the teams
     * of the scope ({@code team}, or the organisation when null): the people active in it, and the scope's
     * people in it, its members during the window and anyone else active for it then: never fewer.
     * {@code start}: the first instant of a day in the organisation's zone.
     */
    static Weekly weeklyActive(
            Source months, UUID team, LocalDate last, int weeks, Identity who, Function<LocalDate, Instant> start)
            throws SQLException {
        int[] active = new int[weeks];
        Set<UUID> scope = team == null ? null : Set.of(team);
        Instant[] starts = new Instant[weeks];
        Instant[] ends = new Instant[weeks];
        for (int w = 0; w < weeks; w++) {
            LocalDate to = last.minusDays(7L * w);
            starts[w] = start.apply(to.minusDays(6));
            ends[w] = start.apply(to.plusDays(1));
        }
        int[] people = who.memberCounts(scope, starts, ends);
        // who of those active in these months was not a member of the scope throughout the windows (one
        // check a person, not one a window): usually nobody, so each window checks only these few again
        Instant spanStart = starts[weeks - 1];
        Instant spanEnd = ends[0];
        Set<UUID> unsure = new HashSet<>();
        for (LocalDate first : months(last.minusDays(7L * weeks - 1), last)) {
            for (UUID person : months.month(first).active(team).keySet()) {
                if (!who.memberThroughout(scope, person, spanStart, spanEnd)) {
                    unsure.add(person);
                }
            }
        }
        for (int w = 0; w < weeks; w++) {
            LocalDate to = last.minusDays(7L * w);
            LocalDate from = to.minusDays(6);
            Instant a = starts[w];
            Instant b = ends[w];
            // A window lies in one month or straddles two; a person active in both parts counts once. No
            // set per window: the org's windows hold every active person, and this runs on every request.
            MonthRollups first = months.month(from.withDayOfMonth(1));
            Map<UUID, Integer> inA = first.active(team);
            int daysA = first.days(from, to);
            int n = 0;
            int outside = 0;
            for (Map.Entry<UUID, Integer> e : inA.entrySet()) {
                if ((e.getValue() & daysA) != 0) {
                    n++;
                    outside += unsure.contains(e.getKey()) && !who.wasMember(scope, e.getKey(), a, b) ? 1 : 0;
                }
            }
            if (from.getMonth() != to.getMonth()) {
                MonthRollups second = months.month(to.withDayOfMonth(1));
                int daysB = second.days(from, to);
                for (Map.Entry<UUID, Integer> e : second.active(team).entrySet()) {
                    boolean counted = (inA.getOrDefault(e.getKey(), 0) & daysA) != 0;
                    if ((e.getValue() & daysB) != 0 && !counted) {
                        n++;
                        outside += unsure.contains(e.getKey()) && !who.wasMember(scope, e.getKey(), a, b) ? 1 : 0;
                    }
                }
            }
            active[w] = n;
            people[w] += outside;
        }
        return new Weekly(active, people);
    }

    /** Per trend window (0: the last): people active, and the scope's people (members and the other active). */
    record Weekly(int[] active, int[] people) {}

    /**
     * Per team over {@code p}: usage, outcome counts valued once per group, the people active for it (a
     * person who moved teams within the period is active for both). Returns the organisation's distinct
     * active people: such a person is one of them.
     */
    private static int perTeam(Source months, Period p, RoiModel roi, Map<UUID, Acc> out) throws SQLException {
        Map<UUID, Map<Group, Counts>> outcomes = new HashMap<>();
        Set<UUID> org = new HashSet<>();
        for (LocalDate first : months(p.from(), p.to())) {
            MonthRollups m = months.month(first);
            int from = m.start(p);
            int to = m.end(p);
            int days = (int) ((1L << (to + 1)) - (1L << from));
            m.teams.forEach((id, t) -> {
                Acc a = out.computeIfAbsent(id, k -> new Acc());
                for (int d = from; d <= to; d++) {
                    if (t.usage[d] != null) {
                        a.usage.add(t.usage[d]);
                    }
                }
                t.outcomes.forEach((g, byDay) -> {
                    for (int d = from; d <= to; d++) {
                        if (byDay[d] != null) {
                            outcomes.computeIfAbsent(id, k -> new HashMap<>())
                                    .computeIfAbsent(g, k -> new Counts())
                                    .add(byDay[d]);
                        }
                    }
                });
                t.activeDays.forEach((person, on) -> {
                    if ((on & days) != 0) {
                        a.active.add(person);
                        org.add(person);
                    }
                });
            });
        }
        outcomes.forEach((id, groups) -> groups.forEach((g, n) -> n.valueInto(out.get(id), roi, g)));
        return org.size();
    }

    /**
     * Who was active on which days of this month: per person, bit {@code d} for day {@code d + 1}; of one
     * team, or of the organisation when {@code team} is null (a person on two teams is one key, with
     * the union of their days).
     */
    Map<UUID, Integer> active(UUID team) {
        if (team != null) {
            Team t = teams.get(team);
            return t == null ? Map.of() : t.activeDays;
        }
        Map<UUID, Integer> org = orgActive;
        if (org == null) {
            // built once per month version, on first use (two racing readers build the same map)
            Map<UUID, Integer> union = new HashMap<>();
            for (Team t : teams.values()) {
                t.activeDays.forEach((person, on) -> union.merge(person, on, (a, b) -> a | b));
            }
            orgActive = org = union;
        }
        return org;
    }

    /** The bits of the days {@code from..to} (clipped to this month) in an {@link #active} mask. */
    int days(LocalDate from, LocalDate to) {
        long first = Math.max(0, from.toEpochDay() - month.toEpochDay());
        long last = Math.min(length - 1L, to.toEpochDay() - month.toEpochDay());
        return first > last ? 0 : (int) ((1L << (last + 1)) - (1L << first));
    }

    /** The index of the first day of {@code p} in this month. */
    private int start(Period p) {
        return p.from().isAfter(month) ? p.from().getDayOfMonth() - 1 : 0;
    }

    /** The index of the last day of {@code p} in this month. */
    private int end(Period p) {
        LocalDate last = month.plusDays(length - 1L);
        return p.to().isBefore(last) ? p.to().getDayOfMonth() - 1 : length - 1;
    }
}
