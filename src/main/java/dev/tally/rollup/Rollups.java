package dev.tally.rollup;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;

import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.RollupTable.Column;

/**
 * Every rollup table, defined in one place and written by {@link RollupStore} in the batch's one
 * transaction (with the Kafka offsets), so each is exactly the sum of the counted events:
 *
 * <pre>
 *   usage_daily         day × team × employee × provider × model   team page: people; attribution
 *   usage_team_day      day × team                                  per team, per day
 *   usage_team_month    month × team                                per team over whole months
 *   usage_model_day     day × provider × model (org)                org: per day, per model
 *   employee_activity   team × employee × year, a bit per day       active users (a distinct count)
 *   usage_key_day       day × key × employee                        key and employee budgets
 *   usage_key_month     month × key × employee                      key and employee budgets over months
 *   usage_hourly        local hour × key × employee × team          spike detection (budgets)
 *   refusal_team_day    day × team × key × reason                   calls the gateway refused, the latest's time
 *   outcome_team_day    day × team × kind × ai × severity           outcomes and their ROI value
 *   outcome_team_month  month × team × kind × ai × severity
 *   outcome_org_day     day × kind × ai × severity (org)
 *   usage_workload_day  day × team × workload × service × client × provider × model   workloads, tools
 *   usage_run           team × workload × run: its calls, first and last call          a workload's runs
 *   usage_run_model     team × workload × run × model: the same per model               escalations in a run
 *   client_activity     team × client × employee × year, a bit per day                 adoption by tool
 *   outcome_workload_day  day × team × workload × kind                                 cost per outcome
 * </pre>
 *
 * A service key's calls have no employee: the per-person tables ({@code usage_daily}, the per-key
 * ones) keep them under {@link #NO_EMPLOYEE}, and neither activity table counts them (they are not
 * people adopting AI). A call the gateway refused ({@link UsageEvent#refused()}) is not usage: it has
 * no tokens, no cost, often no model or provider, and its person did not use AI. It goes to
 * {@code refusal_team_day} only, so that a revoked key hammered in a loop shows there, by reason, and
 * not as requests or adoption. Days and months are the organisation's ({@link OrgCalendar}). A new
 * breakdown is one more table here plus its migration. The org-wide tables are written last: two consumers
 * share their rows, and holding their locks only until the commit keeps them from queueing longer.
 */
public final class Rollups {

    /** The key of {@code usage_daily}: the finest usage row, which the coarser ones are folded from. */
    record Detail(LocalDate day, UUID team, UUID employee, String provider, String model) {
        static final Comparator<Detail> ORDER = Comparator.comparing(Detail::day)
                .thenComparing(Detail::team)
                .thenComparing(Detail::employee)
                .thenComparing(Detail::provider)
                .thenComparing(Detail::model);
    }

    /** The employee key of a service key's usage rows: no person (docs/workloads.md). */
    public static final UUID NO_EMPLOYEE = new UUID(0, 0);

    /** The key of {@code usage_workload_day}. */
    record WorkloadDetail(
            LocalDate day, UUID team, String workload, boolean service, String client, String provider, String model) {
        static final Comparator<WorkloadDetail> ORDER = Comparator.comparing(WorkloadDetail::day)
                .thenComparing(WorkloadDetail::team)
                .thenComparing(WorkloadDetail::workload)
                .thenComparing(WorkloadDetail::service)
                .thenComparing(WorkloadDetail::client)
                .thenComparing(WorkloadDetail::provider)
                .thenComparing(WorkloadDetail::model);
    }

    private static final String BUMP_MONTHS = """
            INSERT INTO rollup_month_version (month, version) SELECT m, 1 FROM unnest(?::date[]) AS m ORDER BY m
            ON CONFLICT (month) DO UPDATE SET version = rollup_month_version.version + 1""";

    /**
     * Marks each team of a month written with that month's new version (V1560), so a report re-reads only
     * those teams of a month it holds; run right after {@link #BUMP_MONTHS}, under its row locks, in order.
     */
    private static final String MARK_TEAMS = """
            INSERT INTO rollup_team_month_version (month, team_id, version)
            SELECT t.month, t.team_id, v.version FROM unnest(?::date[], ?::uuid[]) AS t(month, team_id)
            JOIN rollup_month_version v ON v.month = t.month ORDER BY 1, 2
            ON CONFLICT (month, team_id) DO UPDATE SET version = excluded.version""";

    /** A month and a team whose per-team rollup rows of that month a batch writes. */
    private record TeamMonth(LocalDate month, UUID team) {
        static final Comparator<TeamMonth> ORDER =
                Comparator.comparing(TeamMonth::month).thenComparing(TeamMonth::team);
    }

    private static <S> Column<S> col(String name, String type, Function<S, Object> value) {
        return new Column<>(name, type, value);
    }

    private final OrgCalendar calendar;
    private final List<RollupTable<Map.Entry<Detail, UsageSums>>> perTeamUsage;
    private final RollupTable<Map.Entry<Detail, UsageSums>> activity;
    private final RollupTable<Map.Entry<Detail, UsageSums>> modelDay;
    private final List<RollupTable<UsageEvent>> perKey;
    private final RollupTable<UsageEvent> refusals;
    private final List<RollupTable<OutcomeEvent>> perTeamOutcomes;
    private final RollupTable<OutcomeEvent> outcomeOrgDay;
    private final RollupTable<Map.Entry<WorkloadDetail, UsageSums>> workloadDay;
    private final RollupTable<UsageEvent> runs;
    private final RollupTable<UsageEvent> runModels;
    private final RollupTable<UsageEvent> clientActivity;
    private final RollupTable<OutcomeEvent> outcomeWorkloadDay;

    Rollups(OrgCalendar calendar) {
        this.calendar = calendar;
        Column<Map.Entry<Detail, UsageSums>> day =
                col("day", "date", e -> e.getKey().day());
        Column<Map.Entry<Detail, UsageSums>> team =
                col("team_id", "uuid", e -> e.getKey().team());
        Column<Map.Entry<Detail, UsageSums>> employee =
                col("employee_id", "uuid", e -> e.getKey().employee());
        Column<Map.Entry<Detail, UsageSums>> provider =
                col("provider", "text", e -> e.getKey().provider());
        Column<Map.Entry<Detail, UsageSums>> model =
                col("model", "text", e -> e.getKey().model());
        Column<Map.Entry<Detail, UsageSums>> month =
                col("month", "date", e -> e.getKey().day().withDayOfMonth(1));
        activity = new RollupTable<>(
                "employee_activity",
                List.of(team, employee, col("year", "int2", e ->
                        (short) e.getKey().day().getYear())),
                List.of(col("days", "bit(366)", e -> dayBit(e.getKey().day()))));
        perTeamUsage = List.of(
                RollupTable.usage("usage_daily", List.of(day, team, employee, provider, model), Map.Entry::getValue),
                RollupTable.usage("usage_team_day", List.of(day, team), Map.Entry::getValue),
                RollupTable.usage("usage_team_month", List.of(month, team), Map.Entry::getValue),
                activity);
        modelDay = RollupTable.usage("usage_model_day", List.of(day, provider, model), Map.Entry::getValue);
        // Budgets read spend per key and person from these, as team budgets read usage_team_*: requests, cost and
        // unpriced calls are all a budget shows. An hour is the organisation's local hour (its first instant), so a
        // local midnight is always an hour's start, in a zone offset by half an hour as well.
        List<Column<UsageEvent>> spend =
                List.of(UsageMeasure.REQUESTS, UsageMeasure.COST_NANOS, UsageMeasure.UNPRICED_REQUESTS).stream()
                        .map(m -> Rollups.<UsageEvent>col(
                                m.column(), "int8", e -> m.perEvent().applyAsLong(e)))
                        .toList();
        Column<UsageEvent> keyId = col("key_id", "uuid", UsageEvent::keyId);
        Column<UsageEvent> employeeId =
                col("employee_id", "uuid", e -> e.employeeId() == null ? NO_EMPLOYEE : e.employeeId());
        perKey = List.of(
                new RollupTable<>(
                        "usage_key_day",
                        List.of(col("day", "date", e -> calendar.date(e.time())), keyId, employeeId),
                        spend),
                new RollupTable<>(
                        "usage_key_month",
                        List.of(
                                col(
                                        "month",
                                        "date",
                                        e -> calendar.date(e.time()).withDayOfMonth(1)),
                                keyId,
                                employeeId),
                        spend),
                new RollupTable<>(
                        "usage_hourly",
                        List.of(
                                col("hour", "timestamptz", e -> calendar.hour(e.time())),
                                keyId,
                                employeeId,
                                col("team_id", "uuid", UsageEvent::teamId)),
                        spend));
        refusals = new RollupTable<UsageEvent>(
                "refusal_team_day",
                List.of(
                        Rollups.<UsageEvent>col("day", "date", e -> calendar.date(e.time())),
                        Rollups.<UsageEvent>col("team_id", "uuid", UsageEvent::teamId),
                        Rollups.<UsageEvent>col("key_id", "uuid", UsageEvent::keyId),
                        Rollups.<UsageEvent>col("reason", "text", UsageEvent::refusal)),
                // last_at: when the latest refusal of the row was made, finer than its day (a $0 block budget
                // counts only the refusals made after it was created: budget.alert.BudgetRefusals)
                List.of(
                        Rollups.<UsageEvent>col("requests", "int8", e -> 1L),
                        new Column<>("last_at", "timestamptz", UsageEvent::time, RollupTable.Merge.MAX)));
        Column<OutcomeEvent> kind = col("kind", "text", OutcomeEvent::kind);
        Column<OutcomeEvent> ai = col("ai_assisted", "bool", OutcomeEvent::aiAssisted);
        Column<OutcomeEvent> severity = col(
                "severity",
                "text",
                e -> e.severity() == null ? "" : e.severity().toLowerCase(Locale.ROOT));
        Column<OutcomeEvent> outcomeTeam = col("team_id", "uuid", OutcomeEvent::teamId);
        Column<OutcomeEvent> outcomeDay = col("day", "date", e -> calendar.date(e.occurredAt()));
        Column<OutcomeEvent> outcomeMonth =
                col("month", "date", e -> calendar.date(e.occurredAt()).withDayOfMonth(1));
        // How many outcomes, and how many of them carried their own valueHours (the ROI model honours those).
        List<Column<OutcomeEvent>> counts = List.of(
                col("outcomes", "int8", e -> 1L),
                col("explicit_outcomes", "int8", e -> e.valueHours() == null ? 0L : 1L),
                col("explicit_hours", "numeric", e -> e.valueHours() == null ? BigDecimal.ZERO : e.valueHours()));
        perTeamOutcomes = List.of(
                new RollupTable<>("outcome_team_day", List.of(outcomeDay, outcomeTeam, kind, ai, severity), counts),
                new RollupTable<>(
                        "outcome_team_month", List.of(outcomeMonth, outcomeTeam, kind, ai, severity), counts));
        outcomeOrgDay = new RollupTable<>("outcome_org_day", List.of(outcomeDay, kind, ai, severity), counts);
        workloadDay = RollupTable.usage(
                "usage_workload_day",
                List.of(
                        Rollups.<Map.Entry<WorkloadDetail, UsageSums>>col(
                                "day", "date", e -> e.getKey().day()),
                        col("team_id", "uuid", e -> e.getKey().team()),
                        col("workload", "text", e -> e.getKey().workload()),
                        col("service", "bool", e -> e.getKey().service()),
                        col("client", "text", e -> e.getKey().client()),
                        col("provider", "text", e -> e.getKey().provider()),
                        col("model", "text", e -> e.getKey().model())),
                Map.Entry::getValue);
        List<Column<UsageEvent>> runValues = new ArrayList<>(UsageMeasure.ALL.stream()
                .map(m -> Rollups.<UsageEvent>col(
                        m.column(), "int8", e -> m.perEvent().applyAsLong(e)))
                .toList());
        runValues.add(new Column<>("first_at", "timestamptz", UsageEvent::time, RollupTable.Merge.MIN));
        runValues.add(new Column<>("last_at", "timestamptz", UsageEvent::time, RollupTable.Merge.MAX));
        List<Column<UsageEvent>> runKey = List.of(
                Rollups.<UsageEvent>col("team_id", "uuid", UsageEvent::teamId),
                col("workload", "text", UsageEvent::workload),
                col("run_id", "text", UsageEvent::runId));
        runs = new RollupTable<>("usage_run", runKey, runValues);
        List<Column<UsageEvent>> runModelKey = new ArrayList<>(runKey);
        runModelKey.add(col("model", "text", UsageEvent::model));
        runModels = new RollupTable<>("usage_run_model", runModelKey, runValues);
        clientActivity = new RollupTable<>(
                "client_activity",
                List.of(
                        Rollups.<UsageEvent>col("team_id", "uuid", UsageEvent::teamId),
                        col("client", "text", UsageEvent::client),
                        col("employee_id", "uuid", UsageEvent::employeeId),
                        col("year", "int2", e -> (short) calendar.date(e.time()).getYear())),
                List.of(col("days", "bit(366)", e -> dayBit(calendar.date(e.time())))));
        outcomeWorkloadDay = new RollupTable<>(
                "outcome_workload_day",
                List.of(outcomeDay, outcomeTeam, col("workload", "text", OutcomeEvent::workload), kind),
                List.of(col("outcomes", "int8", e -> 1L)));
    }

    /**
     * Writes the counted events into every rollup table, then moves the version of each month written
     * (the report caches a month's rollups under it) and marks each team written in a month with it:
     * last but for {@code rollup_version}, months in order, so two consumers lock these rows in the same
     * order and hold them only until the commit.
     */
    void write(Connection c, Collection<UsageEvent> events, Collection<OutcomeEvent> outcomes) throws SQLException {
        SortedSet<LocalDate> months = new TreeSet<>();
        Map<Detail, UsageSums> detail = new TreeMap<>(Detail.ORDER);
        Map<WorkloadDetail, UsageSums> workloads = new TreeMap<>(WorkloadDetail.ORDER);
        List<UsageEvent> usage = new ArrayList<>(events.size());
        List<UsageEvent> refused = new ArrayList<>();
        List<UsageEvent> inRuns = new ArrayList<>();
        List<UsageEvent> ofPeople = new ArrayList<>(events.size());
        for (UsageEvent e : events) {
            if (!e.modelCall()) {
                continue; // a free call on a stored response or a conversation: claimed once, counted nowhere
            }
            months.add(calendar.date(e.time()).withDayOfMonth(1));
            if (e.refused()) {
                refused.add(e);
                continue;
            }
            usage.add(e);
            LocalDate day = calendar.date(e.time());
            boolean service = e.employeeId() == null;
            detail.computeIfAbsent(
                            new Detail(
                                    day, e.teamId(), service ? NO_EMPLOYEE : e.employeeId(), e.provider(), e.model()),
                            k -> new UsageSums())
                    .add(e);
            workloads
                    .computeIfAbsent(
                            new WorkloadDetail(
                                    day, e.teamId(), e.workload(), service, e.client(), e.provider(), e.model()),
                            k -> new UsageSums())
                    .add(e);
            if (e.runId() != null) {
                inRuns.add(e);
            }
            if (!service) {
                ofPeople.add(e);
            }
        }
        for (RollupTable<Map.Entry<Detail, UsageSums>> t : perTeamUsage) {
            // adoption counts people: a service key's rows stay out of employee_activity
            t.write(
                    c,
                    t == activity
                            ? detail.entrySet().stream()
                                    .filter(e -> !NO_EMPLOYEE.equals(e.getKey().employee()))
                                    .toList()
                            : detail.entrySet());
        }
        for (RollupTable<UsageEvent> t : perKey) {
            t.write(c, usage);
        }
        refusals.write(c, refused);
        for (RollupTable<OutcomeEvent> t : perTeamOutcomes) {
            t.write(c, outcomes);
        }
        workloadDay.write(c, workloads.entrySet());
        runs.write(c, inRuns);
        runModels.write(c, inRuns);
        clientActivity.write(c, ofPeople);
        outcomeWorkloadDay.write(
                c, outcomes.stream().filter(o -> o.workload() != null).toList());
        modelDay.write(c, detail.entrySet());
        outcomeOrgDay.write(c, outcomes);
        outcomes.forEach(o -> months.add(calendar.date(o.occurredAt()).withDayOfMonth(1)));
        SortedSet<TeamMonth> teams = new TreeSet<>(TeamMonth.ORDER);
        detail.keySet().forEach(d -> teams.add(new TeamMonth(d.day().withDayOfMonth(1), d.team())));
        outcomes.stream()
                .filter(o -> o.teamId() != null)
                .forEach(o ->
                        teams.add(new TeamMonth(calendar.date(o.occurredAt()).withDayOfMonth(1), o.teamId())));
        try (PreparedStatement ps = c.prepareStatement(BUMP_MONTHS)) {
            ps.setArray(
                    1,
                    c.createArrayOf("date", months.stream().map(Date::valueOf).toArray()));
            ps.executeUpdate();
        }
        if (!teams.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(MARK_TEAMS)) {
                ps.setArray(
                        1,
                        c.createArrayOf(
                                "date",
                                teams.stream().map(t -> Date.valueOf(t.month())).toArray()));
                ps.setArray(
                        2,
                        c.createArrayOf(
                                "uuid", teams.stream().map(TeamMonth::team).toArray()));
                ps.executeUpdate();
            }
        }
    }

    /** Bit n (0-based) of a year's {@code employee_activity.days} is day-of-year n + 1. */
    private static BitSet dayBit(LocalDate day) {
        BitSet b = new BitSet(366);
        b.set(day.getDayOfYear() - 1);
        return b;
    }
}
