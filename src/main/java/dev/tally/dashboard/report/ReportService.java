package dev.tally.dashboard.report;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import dev.tally.platform.cache.StampedCache;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.Rollups;

/**
 * Builds {@link Report}s. Each report is read in ONE snapshot (a read-only repeatable-read
 * transaction) that starts by reading the versions its cached parts are checked against
 * ({@link ReportVersions}): the teams and people ({@link Identity}) under {@code identity_version};
 * each month's org rollups ({@link MonthRollups}) under that month's version; a report's sums under
 * the versions of every month it touches. Those versions move in the same transaction as the rows
 * they stand for, so a cached part is reused exactly while its rows are unchanged, and the first
 * request after a commit reads again only what moved (docs/adr/0006-dashboard-rollups-and-cache.md).
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

    /** Months kept (the org's rollups of one month each): a 90-day page and the one before it touch seven. */
    static final int CACHED_MONTHS = 48;

    private final StampedCache<LocalDate, MonthRollups> months = new StampedCache<>(CACHED_MONTHS);
    private final StampedCache<Boolean, Identity> identity = new StampedCache<>(1);

    /** Sums are stamped with the versions of the months from the previous period's first to the period's last. */
    private record SumsKey(UUID team, Period period, RoiModel roi) {}

    /**
     * The delivery trend's weekly people, stamped with the identity's version and those of the months the
     * weeks touch: a request with nothing new reuses them (the org's weeks look at every active person).
     */
    private final StampedCache<WeeklyKey, Weekly> weekly = new StampedCache<>(CACHED_REPORTS);

    private record WeeklyKey(UUID team, LocalDate last, int weeks) {}

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
        LocalDate first = period.previous().from();
        try {
            // A month's rows and a team's grouping sets and distinct counts sort thousands of rows: in memory,
            // not in temporary files (PostgreSQL's default work_mem is 4 MB).
            return RollupSnapshot.run(dataSource, WORK_MEM, c -> {
                ReportVersions v = ReportVersions.read(c, first, period.to());
                Identity who = identity.get(Boolean.TRUE, v.identity(), () -> Identity.read(c));
                List<TeamInfo> teams = who.teams(teamId);
                RollupReader.Sums s = sums.get(
                        new SumsKey(teamId, period, roi),
                        v.stamp(first, period.to()),
                        () -> teamId == null
                                ? MonthRollups.sums(m -> month(c, v, m), period, roi)
                                : RollupReader.read(c, teamId, period, roi));
                return assemble(c, teamId, period, who, teams, s);
            });
        } catch (SQLException e) {
            throw new IllegalStateException("reading rollups failed: " + e.getMessage(), e);
        }
    }

    /**
     * Per seven-day window counted back from {@code last} (window 0 ends on it), distinct across the scope's
     * teams ({@code team}, or the organisation when null): the people with at least one gateway call, and
     * the scope's people (its members during the window and anyone else with calls for it in the window,
     * as a report counts them). From the org's months ({@code employee_activity}), read in the caller's snapshot and
     * reused under each month's version, as the org report reuses them. A service key's calls are no
     * person's and not counted.
     */
    public Weekly weeklyActive(Connection c, UUID team, LocalDate last, int weeks) throws SQLException {
        LocalDate first = last.minusDays(7L * weeks - 1);
        ReportVersions v = ReportVersions.read(c, first, last);
        List<Object> stamp = new ArrayList<>();
        stamp.add(v.identity());
        stamp.addAll(v.stamp(first, last));
        return weekly.get(new WeeklyKey(team, last, weeks), stamp, () -> {
            Identity who = identity.get(Boolean.TRUE, v.identity(), () -> Identity.read(c));
            MonthRollups.Weekly w =
                    MonthRollups.weeklyActive(m -> month(c, v, m), team, last, weeks, who, calendar::start);
            return new Weekly(w.active(), w.people());
        });
    }

    /**
     * Per trend window (index 0: the window ending on the last day): people who used AI, and the scope's
     * people, never fewer.
     */
    public record Weekly(int[] active, int[] people) {}

    /**
     * The org's rollups of the month starting on {@code first}, at the version {@code v} holds: the one
     * cached at that version, or the one cached at an earlier version brought up to date (only its
     * teams written since are read), or a whole read.
     */
    private MonthRollups month(Connection c, ReportVersions v, LocalDate first) throws SQLException {
        long version = v.month(first);
        return months.update(
                first,
                version,
                (held, at) ->
                        held != null && (Long) at < version ? held.refresh(c, (Long) at) : MonthRollups.read(c, first));
    }

    /**
     * The report from the (cached) rollup sums and the (cached) teams and membership history. A scope's
     * people in a period are those who were its members at any time in it and anyone else who made calls
     * for it then: so active users never outnumber them. The org's and a department's people and active
     * users are distinct across their teams (a person who moved teams is a member of both, and one person).
     */
    private Report assemble(
            Connection c, UUID teamId, Period period, Identity who, List<TeamInfo> teams, RollupReader.Sums sums)
            throws SQLException {
        Map<UUID, Metrics> cur = new LinkedHashMap<>();
        Map<UUID, Metrics> pre = new LinkedHashMap<>();
        Metrics total = Metrics.ZERO;
        Metrics previousTotal = Metrics.ZERO;
        People people = new People(who, span(period));
        People previousPeople = new People(who, span(period.previous()));
        List<TeamInfo> shown = new ArrayList<>();
        List<TeamInfo> all = teamId == null ? withUnknown(teams, sums) : teams;
        for (TeamInfo t : all) {
            Acc a = sums.current().getOrDefault(t.id(), new Acc());
            Acc b = sums.previous().getOrDefault(t.id(), new Acc());
            Set<UUID> outA = people.outside(t, a);
            Set<UUID> outB = previousPeople.outside(t, b);
            Metrics m = a.toMetrics(people.members(t) + outA.size());
            Metrics p = b.toMetrics(previousPeople.members(t) + outB.size());
            // Unassigned has no employees; show it (and an unknown team) only when outcomes or usage landed there.
            if ((t.unassigned() || !t.known()) && teamId == null && m.equals(Metrics.ZERO) && p.equals(Metrics.ZERO)) {
                continue;
            }
            shown.add(t);
            cur.put(t.id(), m);
            pre.put(t.id(), p);
            total = total.plus(m);
            previousTotal = previousTotal.plus(p);
            people.add(t, outA, a.active);
            previousPeople.add(t, outB, b.active);
        }
        if (teamId == null) {
            // the org's people and active users are counted once: one who moved teams was active for both
            total = total.withPeople(sums.orgActive(), people.people(null));
            previousTotal = previousTotal.withPeople(sums.orgActivePrevious(), previousPeople.people(null));
        }
        TreeMap<String, Metrics> byDepartment = new TreeMap<>();
        for (TeamInfo t : shown) {
            byDepartment.merge(t.department(), cur.get(t.id()), Metrics::plus);
        }
        byDepartment.replaceAll((d, m) -> m.withPeople(people.active(d), people.people(d)));
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
                byDepartment,
                models,
                providers,
                byDay,
                teamId == null ? List.of() : employees(c, teamId, sums, people.members(teamId)),
                teamId == null ? List.of() : mergedPrs(c, teamId, period),
                who.demo());
    }

    /**
     * The teams, then every team id the org's rollups hold that the {@code team} table does not (events of
     * another producer, a team deleted since), in id order: its money was spent and is in the days' series,
     * so it is shown, as an unknown team, and in the totals.
     */
    private static List<TeamInfo> withUnknown(List<TeamInfo> teams, RollupReader.Sums sums) {
        Set<UUID> known = new HashSet<>();
        teams.forEach(t -> known.add(t.id()));
        TreeSet<UUID> unknown = new TreeSet<>();
        for (Map<UUID, Acc> period : List.of(sums.current(), sums.previous())) {
            period.keySet().stream().filter(id -> !known.contains(id)).forEach(unknown::add);
        }
        if (unknown.isEmpty()) {
            return teams;
        }
        List<TeamInfo> out = new ArrayList<>(teams);
        unknown.forEach(id -> out.add(TeamInfo.unknown(id)));
        return out;
    }

    /** The instants a period's days span in the organisation's calendar: from its first day's start to the next's. */
    private OrgCalendar.Span span(Period p) {
        return calendar.span(p.from(), p.to());
    }

    /**
     * The people and active users of the organisation and of each department over one period, each
     * person once. A scope's people are those who were members of one of its teams at some time in the
     * period ({@link Identity#memberCount}: no set of everyone) plus those active for one of its teams who
     * were a member of none of them then: only those few are kept as a set. A department's active users
     * are the union of its teams' (a person who moved between two of its teams is one of them), counted
     * only where a department has more than one team.
     */
    private static final class People {
        private final Identity who;
        private final Instant start;
        private final Instant end;
        private final Map<String, Set<UUID>> teams = new HashMap<>();
        private final Set<UUID> orgTeams = new HashSet<>();
        private final Map<String, Set<UUID>> outside = new HashMap<>();
        private final Map<String, List<Set<UUID>>> active = new HashMap<>();
        private final Set<UUID> orgOutside = new HashSet<>();

        People(Identity who, OrgCalendar.Span period) {
            this.who = who;
            this.start = period.start();
            this.end = period.end();
        }

        /** The members of {@code team} at some time in the period. */
        Set<UUID> members(UUID team) {
            return who.members(team, start, end);
        }

        /** How many people were members of {@code t} at some time in the period. */
        int members(TeamInfo t) {
            return members(t.id()).size();
        }

        /** Those active for {@code t} in the period who were not its members then. */
        Set<UUID> outside(TeamInfo t, Acc a) {
            return a.outside(members(t.id())::contains);
        }

        /** {@code outside}: those active for the team who were not among its members in the period. */
        void add(TeamInfo t, Set<UUID> outside, Set<UUID> activeUsers) {
            String d = t.department();
            teams.computeIfAbsent(d, k -> new HashSet<>()).add(t.id());
            orgTeams.add(t.id());
            active.computeIfAbsent(d, k -> new ArrayList<>()).add(activeUsers);
            // whether they were a member of another team of the scope is known once all its teams are
            this.outside.computeIfAbsent(d, k -> new HashSet<>()).addAll(outside);
            orgOutside.addAll(outside);
        }

        /** The people of {@code department}, or of the organisation when null. */
        long people(String department) {
            Set<UUID> scope = department == null ? orgTeams : teams.getOrDefault(department, Set.of());
            Set<UUID> others = department == null ? orgOutside : outside.getOrDefault(department, Set.of());
            return who.memberCount(scope, start, end)
                    + others.stream()
                            .filter(p -> !who.wasMember(scope, p, start, end))
                            .count();
        }

        /** The distinct active users of {@code department}. */
        long active(String department) {
            List<Set<UUID>> teams = active.getOrDefault(department, List.of());
            if (teams.size() == 1) {
                return teams.get(0).size();
            }
            Set<UUID> union = new HashSet<>();
            teams.forEach(union::addAll);
            return union.size();
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

    /**
     * Every member during the period, active or not (so the adoption gap is visible), plus anyone else who
     * spent here; {@code member}: on the team now.
     */
    private static List<EmployeeRow> employees(Connection c, UUID teamId, RollupReader.Sums sums, Set<UUID> members)
            throws SQLException {
        Map<UUID, Acc> usage = new HashMap<>(sums.employees());
        // a service key's calls are the team's, no person's: on the workloads report, not here
        usage.remove(Rollups.NO_EMPLOYEE);
        Set<UUID> people = new HashSet<>(members);
        people.addAll(usage.keySet());
        List<EmployeeRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, name, email, team_id = ? FROM employee WHERE id = ANY (?) ORDER BY name")) {
            ps.setObject(1, teamId);
            ps.setArray(2, c.createArrayOf("uuid", people.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    people.remove(id);
                    Acc a = usage.remove(id);
                    out.add(new EmployeeRow(
                            id,
                            rs.getString(2),
                            rs.getString(3),
                            a == null ? Metrics.ZERO : person(id, a),
                            rs.getBoolean(4)));
                }
            }
        }
        // A member or usage of an employee id that is not (or no longer) in the employee table still counts.
        for (UUID id : people) {
            Acc a = usage.get(id);
            out.add(new EmployeeRow(
                    id,
                    "(unknown " + id.toString().substring(0, 8) + ")",
                    "",
                    a == null ? Metrics.ZERO : person(id, a),
                    false));
        }
        out.sort((a, b) -> Long.compare(b.metrics().spendNanos(), a.metrics().spendNanos()));
        return out;
    }

    /** One person's row: active (they made calls in the period) and one employee. */
    private static Metrics person(UUID id, Acc a) {
        Acc p = new Acc();
        p.add(a);
        p.active.add(id);
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
