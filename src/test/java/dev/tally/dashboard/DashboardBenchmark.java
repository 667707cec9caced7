package dev.tally.dashboard;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.access.Access;
import dev.tally.platform.TestStack;
import dev.tally.rollup.UsageMeasure;

/**
 * Render time of the org overview and the team page over a year of rollups for 200 teams and
 * 20,000 employees (docs/benchmarks.md, "Dashboards", for the method). Not part of the default test run:
 * {@code ./mvnw test -DtestExcludedGroups=none -Dtest=DashboardBenchmark}.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
@Tag("benchmark")
class DashboardBenchmark {

    /** Knobs for a quick look ({@code -Dbench.teams=20 -Dbench.runs=30 -Dbench.only=org}); defaults are the method's. */
    static final int TEAMS = Integer.getInteger("bench.teams", 200);

    static final int PER_TEAM = 100;
    static final int DAYS = 365;
    static final int WARMUP = 15;
    static final int RUNS = Integer.getInteger("bench.runs", 100);

    /** Only the lines whose label contains this (e.g. "org overview"); empty: all. */
    static final String ONLY = System.getProperty("bench.only", "");

    static final String[] MODELS = {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "claude-haiku-4-5", "o3"};
    static final String[] KINDS = {"pr_merged", "bug_caught", "security_finding", "task_automated"};

    @Inject
    DataSource dataSource;

    @TestHTTPResource("/")
    URI root;

    @Test
    void renderTimesWithAYearOfRollups() throws Exception {
        List<UUID> teams = new ArrayList<>();
        long t0 = System.nanoTime();
        long rows = load(teams);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;

        StringBuilder report = new StringBuilder();
        report.append(String.format(
                Locale.ROOT,
                "loaded %,d usage_daily rows + outcomes for %d teams / %d employees / %d days in %.1f s%n",
                rows,
                TEAMS,
                TEAMS * PER_TEAM,
                DAYS,
                loadSeconds));
        UUID team = teams.get(TEAMS / 2);
        writer = team;
        // live: before every request one call of today is rolled up through the aggregator's store
        //   (RollupStore.apply: every rollup table and rollup_version in one transaction), so the
        //   report's sums are read again from the rollups.
        // late: the call is ten days old (a late event); old: sixty days (an import). Same work as
        //   live: the design does not care how late a write is (kept to compare with the old design).
        // warm: the same preset again with no new data in between (a leader reloading, the page's
        //   own chart and CSV requests), answered from the cache.
        for (String preset : List.of("30d", "90d")) {
            report.append(measure("org overview  live /?preset=" + preset, "/?preset=" + preset, Mode.LIVE));
            report.append(measure(
                    "team page     live /teams/{id}?preset=" + preset,
                    "/teams/" + team + "?preset=" + preset,
                    Mode.LIVE));
        }
        report.append(
                measure("reports JSON  live /api/reports/org?preset=30d", "/api/reports/org?preset=30d", Mode.LIVE));
        report.append(measure(
                "chart PNG     live /charts/org/spend-vs-value.png?preset=30d",
                "/charts/org/spend-vs-value.png?preset=30d",
                Mode.LIVE));
        for (String preset : List.of("30d", "90d")) {
            report.append(measure("org overview  late /?preset=" + preset, "/?preset=" + preset, Mode.LATE));
            report.append(measure(
                    "team page     late /teams/{id}?preset=" + preset,
                    "/teams/" + team + "?preset=" + preset,
                    Mode.LATE));
        }
        for (String preset : List.of("30d", "90d")) {
            report.append(measure("org overview  old  /?preset=" + preset, "/?preset=" + preset, Mode.OLD));
            report.append(measure(
                    "team page     old  /teams/{id}?preset=" + preset,
                    "/teams/" + team + "?preset=" + preset,
                    Mode.OLD));
        }
        for (String preset : List.of("30d", "90d")) {
            report.append(measure("org overview  warm /?preset=" + preset, "/?preset=" + preset, Mode.WARM));
            report.append(measure(
                    "team page     warm /teams/{id}?preset=" + preset,
                    "/teams/" + team + "?preset=" + preset,
                    Mode.WARM));
        }
        report.append(measure(
                "chart PNG     warm /charts/org/spend-vs-value.png?preset=30d",
                "/charts/org/spend-vs-value.png?preset=30d",
                Mode.WARM));
        report.append(String.format(Locale.ROOT, "load average at the end: %s%n", loadAverage()));
        System.out.println(report);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "benchmark-dashboards.txt"), report);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    enum Mode {
        LIVE,
        LATE,
        OLD,
        WARM
    }

    /** The team whose rollup row is upserted before each live/late request. */
    private UUID writer;

    private UUID writerEmployee;

    /**
     * A plain HTTP client (the body read to its end), not REST Assured: its response logging
     * filter pretty-prints every HTML body in case an assertion fails, and that work, in the same
     * JVM on the same two cores, was part of the figures before.
     */
    private final HttpClient http = HttpClient.newHttpClient();

    /** The cookies sent, by name: the session, then whatever the pages set (the CSRF token), as a browser keeps them. */
    private final Map<String, String> cookies = new LinkedHashMap<>();

    private void get(String path) throws Exception {
        if (cookies.isEmpty()) {
            keep(Access.leaderCookieHeader().split(";\\s*")); // pages and reports are read as a signed-in leader
        }
        HttpResponse<byte[]> r = http.send(
                HttpRequest.newBuilder(root.resolve(path))
                        .header("Cookie", String.join("; ", cookies.values()))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || r.body().length == 0) {
            throw new AssertionError(path + " answered " + r.statusCode());
        }
        // A page's frame carries the CSRF token of its cookie: without the cookie back, every page
        // gets a new token, and so a new rendered-page cache key (a browser sends it back).
        keep(r.headers().allValues("Set-Cookie").stream()
                .map(c -> c.split(";", 2)[0])
                .toArray(String[]::new));
    }

    private void keep(String[] pairs) {
        for (String pair : pairs) {
            cookies.put(pair.substring(0, pair.indexOf('=')), pair);
        }
    }

    private String measure(String label, String path, Mode mode) throws Exception {
        if (!label.contains(ONLY)) {
            return "";
        }
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(mode == Mode.LATE ? 10 : mode == Mode.OLD ? 60 : 0);
        RollupFixture write = new RollupFixture(dataSource);
        // the warm-up takes the path it warms: after a write when the series measures after writes
        // (until 5 Dec 2026 it only read, so the first after-write series also timed the JIT)
        for (int i = 0; i < WARMUP; i++) {
            if (mode != Mode.WARM) {
                write.usage(day, writer, writerEmployee, "gpt-4o", 1, 1000, 100, 0, 3_500_000, 0);
            }
            get(path);
        }
        long[] us = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            if (mode != Mode.WARM) {
                write.usage(day, writer, writerEmployee, "gpt-4o", 1, 1000, 100, 0, 3_500_000, 0);
            }
            long s = System.nanoTime();
            get(path);
            us[i] = (System.nanoTime() - s) / 1_000;
        }
        Arrays.sort(us);
        return String.format(
                Locale.ROOT,
                "%-62s p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  (n=%d)%n",
                label,
                us[RUNS / 2] / 1000.0,
                us[(int) Math.ceil(RUNS * 0.95) - 1] / 1000.0,
                us[RUNS - 1] / 1000.0,
                RUNS);
    }

    /**
     * Bulk-loads the detailed rollups with COPY, ten teams per statement, then folds the coarser ones
     * from them the way {@code Rollups} folds a batch (an event-by-event load of a year would take hours).
     */
    private long load(List<UUID> teams) throws Exception {
        Random rnd = new Random(7);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        long usageRows = 0;
        try (Connection c = dataSource.getConnection()) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            StringBuilder teamCsv = new StringBuilder();
            StringBuilder employeeCsv = new StringBuilder();
            List<List<UUID>> members = new ArrayList<>();
            for (int t = 0; t < TEAMS; t++) {
                UUID id = UUID.randomUUID();
                teams.add(id);
                teamCsv.append(id)
                        .append(",Bench team ")
                        .append(t)
                        .append(' ')
                        .append(id.toString(), 0, 8)
                        .append(",Dept ")
                        .append(t % 12)
                        .append('\n');
                List<UUID> people = new ArrayList<>();
                for (int e = 0; e < PER_TEAM; e++) {
                    UUID emp = UUID.randomUUID();
                    people.add(emp);
                    employeeCsv
                            .append(emp)
                            .append(',')
                            .append(emp)
                            .append("@bench.example,Bench ")
                            .append(e)
                            .append(',')
                            .append(id)
                            .append('\n');
                }
                members.add(people);
            }
            writerEmployee = members.get(TEAMS / 2).get(0);
            copy.copyIn(
                    "COPY team (id, name, department) FROM STDIN (FORMAT csv)", new StringReader(teamCsv.toString()));
            copy.copyIn(
                    "COPY employee (id, email, name, team_id) FROM STDIN (FORMAT csv)",
                    new StringReader(employeeCsv.toString()));
            // members through the whole history the usage below is written for, as an org's people were
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE team_membership SET valid_from = 'epoch' WHERE team_id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("uuid", teams.toArray()));
                ps.executeUpdate();
            }
            for (int chunk = 0; chunk < TEAMS; chunk += 10) {
                StringBuilder usage = new StringBuilder(32 << 20);
                StringBuilder outcomes = new StringBuilder();
                for (int t = chunk; t < chunk + 10; t++) {
                    UUID team = teams.get(t);
                    for (int d = 0; d < DAYS; d++) {
                        LocalDate day = today.minusDays(d);
                        boolean weekend =
                                day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
                        for (UUID emp : members.get(t)) {
                            if (rnd.nextDouble() > (weekend ? 0.05 : 0.7)) {
                                continue;
                            }
                            int models = rnd.nextDouble() < 0.3 ? 2 : 1;
                            int first = rnd.nextInt(MODELS.length);
                            for (int m = 0; m < models; m++) {
                                String model = MODELS[(first + m) % MODELS.length];
                                long req = 1 + rnd.nextInt(40);
                                long in = req * (500 + rnd.nextInt(4000));
                                usage.append(day)
                                        .append(',')
                                        .append(team)
                                        .append(',')
                                        .append(emp)
                                        .append(',')
                                        .append(model.startsWith("claude") ? "anthropic" : "openai")
                                        .append(',')
                                        .append(model)
                                        .append(',')
                                        .append(req)
                                        .append(",0,")
                                        .append(in)
                                        .append(',')
                                        .append(in / 6)
                                        .append(',')
                                        .append(in * 2)
                                        .append(",0,0,")
                                        .append(in * 900)
                                        .append(",0,0\n");
                                usageRows++;
                            }
                        }
                        if (weekend) {
                            continue;
                        }
                        for (String kind : KINDS) {
                            for (boolean ai : new boolean[] {true, false}) {
                                int n = rnd.nextInt(kind.equals("pr_merged") ? 6 : 2);
                                if (n == 0) {
                                    continue;
                                }
                                for (int i = 0; i < n; i++) {
                                    outcomes.append("bench:")
                                            .append(team)
                                            .append(':')
                                            .append(day)
                                            .append(':')
                                            .append(kind)
                                            .append(':')
                                            .append(ai)
                                            .append(':')
                                            .append(i)
                                            .append(',')
                                            .append(kind)
                                            .append(',')
                                            .append(team)
                                            .append(",,")
                                            .append(ai)
                                            .append(",\"[\"\"bench\"\"]\",bench,,")
                                            .append(day)
                                            .append("T12:00:00Z,")
                                            .append(kind.equals("security_finding") ? "high" : "")
                                            .append(",\n");
                                }
                            }
                        }
                    }
                }
                copy.copyIn(
                        "COPY usage_daily (day, team_id, employee_id, provider, model, requests, error_requests, input_tokens,"
                                + " output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens, cost_nanos, unpriced_requests,"
                                + " unpriced_tokens) FROM STDIN (FORMAT csv)",
                        new StringReader(usage.toString()));
                copy.copyIn(
                        "COPY outcome (id, kind, team_id, employee_id, ai_assisted, attribution, source, ref, occurred_at,"
                                + " severity, value_hours) FROM STDIN (FORMAT csv)",
                        new StringReader(outcomes.toString()));
                fold(c, teams.subList(chunk, chunk + 10));
            }
            foldOrg(c);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        }
        return usageRows;
    }

    private static final String COLS = UsageMeasure.columns();
    private static final String SUMS = UsageMeasure.sums();
    private static final String OUTCOME_SUMS = "sum(outcomes), sum(explicit_outcomes), sum(explicit_hours)";

    /** The per-team tables of these teams, from their usage_daily and outcome rows. */
    private static void fold(Connection c, List<UUID> teams) throws Exception {
        for (String sql : List.of(
                "INSERT INTO usage_team_day (day, team_id, " + COLS + ") SELECT day, team_id, " + SUMS
                        + " FROM usage_daily WHERE team_id = ANY (?) GROUP BY 1, 2",
                "INSERT INTO usage_team_month (month, team_id, " + COLS
                        + ") SELECT date_trunc('month', day)::date, team_id, " + SUMS
                        + " FROM usage_team_day WHERE team_id = ANY (?) GROUP BY 1, 2",
                "INSERT INTO employee_activity (team_id, employee_id, year, days) SELECT team_id, employee_id,"
                        + " extract(year FROM day)::smallint, bit_or(set_bit(repeat('0', 366)::bit(366),"
                        + " extract(doy FROM day)::int - 1, 1)) FROM usage_daily WHERE team_id = ANY (?) GROUP BY 1, 2, 3",
                "INSERT INTO outcome_team_day (day, team_id, kind, ai_assisted, severity, outcomes, explicit_outcomes,"
                        + " explicit_hours) SELECT (occurred_at AT TIME ZONE 'UTC')::date, team_id, kind, ai_assisted,"
                        + " coalesce(lower(severity), ''), count(*), count(value_hours), coalesce(sum(value_hours), 0)"
                        + " FROM outcome WHERE team_id = ANY (?) GROUP BY 1, 2, 3, 4, 5",
                "INSERT INTO outcome_team_month (month, team_id, kind, ai_assisted, severity, outcomes, explicit_outcomes,"
                        + " explicit_hours) SELECT date_trunc('month', day)::date, team_id, kind, ai_assisted, severity, "
                        + OUTCOME_SUMS + " FROM outcome_team_day WHERE team_id = ANY (?) GROUP BY 1, 2, 3, 4, 5")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setArray(1, c.createArrayOf("uuid", teams.toArray()));
                ps.executeUpdate();
            }
        }
    }

    /** The org-wide tables, once every team is loaded. */
    private static void foldOrg(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO usage_model_day (day, provider, model, " + COLS + ") SELECT day, provider, model, "
                    + SUMS + " FROM usage_daily GROUP BY 1, 2, 3");
            s.execute("INSERT INTO outcome_org_day (day, kind, ai_assisted, severity, outcomes, explicit_outcomes,"
                    + " explicit_hours) SELECT day, kind, ai_assisted, severity, " + OUTCOME_SUMS
                    + " FROM outcome_team_day GROUP BY 1, 2, 3, 4");
            s.execute("UPDATE rollup_version SET version = version + 1");
        }
    }

    static void write(Path p, String s) throws IOException {
        Files.writeString(p, s);
    }
}
