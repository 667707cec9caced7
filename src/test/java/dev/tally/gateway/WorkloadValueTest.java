package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.path.json.config.JsonPathConfig.NumberReturnType;
import io.restassured.response.Response;

import dev.tally.access.Access;
import dev.tally.dashboard.report.Period;
import dev.tally.platform.TestStack;
import dev.tally.workload.WorkloadReport;
import dev.tally.workload.WorkloadReportService;

/**
 * What a workload returns (issue 14's ROI per workload), its model tiers and escalations within a run,
 * and the report's cache under {@code rollup_version}, over real HTTP against the real broker and
 * database. Each test uses its own team and workload. Helpers are {@link WorkloadsTest}'s.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class WorkloadValueTest {

    /** Decimals as they were written (ROI multiples, shares), not through a double. */
    static final JsonPathConfig EXACT = JsonPathConfig.jsonPathConfig().numberReturnType(NumberReturnType.BIG_DECIMAL);

    static UsageEvents events;
    static boolean warm;

    @Inject
    WorkloadReportService reports;

    @BeforeAll
    static void listen() {
        events = new UsageEvents();
    }

    @AfterAll
    static void stop() {
        events.close();
    }

    /** As WorkloadsTest: the first call of a fresh JVM may miss the test profile's first-byte deadline. */
    @BeforeEach
    void warmUp() {
        if (!warm) {
            String key = WorkloadsTest.employeeKey(WorkloadsTest.team(), false);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> WorkloadsTest.chat(key, Map.of()).statusCode() == 200);
            warm = true;
        }
    }

    static Response chat(String key, String model, String runId) {
        return given().header("Authorization", "Bearer " + key)
                .headers(runId == null ? Map.of() : Map.of("x-tally-run-id", runId))
                .contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
    }

    static void outcome(String team, String workload, String kind, String valueHours) {
        String hours = valueHours == null ? "" : ",\"valueHours\":" + valueHours;
        String wl = workload == null ? "" : ",\"workload\":\"" + workload + "\"";
        Access.admin()
                .contentType(ContentType.JSON)
                .body("""
                {"id":"wl-value:%s","kind":"%s","teamId":"%s","aiAssisted":true,"source":"test",
                 "occurredAt":"%s"%s%s}""".formatted(
                        UUID.randomUUID(), kind, team, java.time.Instant.now().minusSeconds(60), hours, wl))
                .post("/api/outcomes")
                .then()
                .statusCode(202);
    }

    static JsonPath row(String workload, java.util.function.Predicate<JsonPath> ready) {
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> Access.admin()
                                .get("/api/reports/workloads/" + workload + WorkloadsTest.range())
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath(EXACT),
                        ready);
    }

    @Test
    void aWorkloadsOutcomesAreValuedByTheRoiModelAgainstItsPricedSpendAndUnpricedSpendIsNeverZero() {
        String team = WorkloadsTest.team();
        String workload = "finance-sheets-" + WorkloadsTest.suffix();
        String bot = WorkloadsTest.serviceKey(team, workload).getString("key");
        long spend = 0;
        for (int i = 0; i < 2; i++) {
            String id = chat(bot, "gpt-4o-mini", null)
                    .then()
                    .statusCode(200)
                    .extract()
                    .header("x-request-id");
            spend += events.await(id).path("data").path("costNanos").asLong();
        }
        // 1.5 h + 1.5 h as reported, and one at task_automated's default of 1 h (dashboards/roi.yaml): 4 h × $100
        outcome(team, workload, "task_automated", "1.5");
        outcome(team, workload, "task_automated", "1.5");
        outcome(team, workload, "task_automated", null);
        outcome(team, null, "task_automated", "9"); // no workload: the team's, not this workload's
        long value = 400L * 1_000_000_000L;
        JsonPath j = row(
                workload, p -> p.getLong("workload.tasksAutomated") == 3 && p.getLong("workload.usage.requests") == 2);
        assertThat(j.getLong("workload.usage.costNanos")).isEqualTo(spend).isEqualTo(2 * WorkloadsTest.CALL_NANOS);
        assertThat(j.getLong("workload.valueNanos")).isEqualTo(value);
        BigDecimal roi = BigDecimal.valueOf(value).divide(BigDecimal.valueOf(spend), 2, RoundingMode.HALF_UP);
        assertThat(new BigDecimal(j.getString("workload.roiMultiple"))).isEqualByComparingTo(roi);
        String csv = Access.admin()
                .get("/api/reports/workloads" + WorkloadsTest.range() + "&format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String line = line(csv, workload);
        assertThat(WorkloadsTest.column(csv, line, "value_usd")).isEqualByComparingTo(BigDecimal.valueOf(value, 9));
        assertThat(WorkloadsTest.column(csv, line, "roi_multiple")).isEqualByComparingTo(roi);
        assertThat(workloadPage(workload))
                .contains("worth $400.00 by the ROI model")
                .contains(roi.toPlainString() + "×");

        // a workload whose calls are all unpriced: no ROI, and "unpriced", not $0, on the page and in the CSV
        String unpriced = "internal-tool-" + WorkloadsTest.suffix();
        String tool = WorkloadsTest.serviceKey(team, unpriced).getString("key");
        chat(tool, "gpt-unpriced-test", null).then().statusCode(200);
        outcome(team, unpriced, "task_automated", "2");
        JsonPath u = row(
                unpriced,
                p -> p.getLong("workload.usage.unpricedRequests") == 1 && p.getLong("workload.tasksAutomated") == 1);
        assertThat(u.getLong("workload.usage.costNanos")).isZero();
        assertThat(u.getString("workload.roiMultiple")).isNull();
        assertThat(u.getLong("workload.valueNanos")).isEqualTo(200L * 1_000_000_000L);
        String csv2 = Access.admin()
                .get("/api/reports/workloads" + WorkloadsTest.range() + "&format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String header = csv2.split("\r\n")[0];
        List<String> cols = Arrays.asList(header.split(","));
        String[] cells = line(csv2, unpriced).split(",", -1);
        assertThat(cells[cols.indexOf("spend_usd")]).isEmpty();
        assertThat(cells[cols.indexOf("roi_multiple")]).isEmpty();
        assertThat(cells[cols.indexOf("unpriced_requests")]).isEqualTo("1");
        String page = workloadPage(unpriced);
        assertThat(page).contains("all unpriced").doesNotContain("1 calls, $0.00");

        // a workload with a priced and an unpriced call: its multiple is an upper bound, said so
        String mixed = "mixed-tool-" + WorkloadsTest.suffix();
        String mixedKey = WorkloadsTest.serviceKey(team, mixed).getString("key");
        chat(mixedKey, "gpt-4o-mini", null).then().statusCode(200);
        chat(mixedKey, "gpt-unpriced-test", null).then().statusCode(200);
        outcome(team, mixed, "task_automated", "2");
        JsonPath m = row(
                mixed,
                p -> p.getLong("workload.usage.unpricedRequests") == 1 && p.getLong("workload.tasksAutomated") == 1);
        BigDecimal bound = BigDecimal.valueOf(200L * 1_000_000_000L)
                .divide(BigDecimal.valueOf(m.getLong("workload.usage.costNanos")), 2, RoundingMode.HALF_UP);
        assertThat(new BigDecimal(m.getString("workload.roiMultiple"))).isEqualByComparingTo(bound);
        assertThat(workloadPage(mixed)).contains("at most " + bound.toPlainString() + "× its priced spend");
        assertThat(Access.leader()
                        .get("/workloads" + WorkloadsTest.range())
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("≤ " + bound.toPlainString() + "×");
    }

    @Test
    void anAllUnpricedWorkloadsCostPerOutcomeModelMixAndToolsReadUnpricedNeverZero() {
        String team = WorkloadsTest.team();
        String workload = "unpriced-bot-" + WorkloadsTest.suffix();
        String bot = WorkloadsTest.serviceKey(team, workload).getString("key");
        chat(bot, "gpt-unpriced-test", null).then().statusCode(200);
        outcome(team, workload, "task_automated", "2");
        JsonPath j = row(
                workload,
                p -> p.getLong("workload.usage.unpricedRequests") == 1 && p.getLong("workload.tasksAutomated") == 1);
        // nothing priced to divide: no cost per task, not $0 per task
        assertThat(j.getString("workload.costPerTaskNanos")).isNull();
        String csv = Access.admin()
                .get("/api/reports/workloads" + WorkloadsTest.range() + "&format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        List<String> cols = Arrays.asList(csv.split("\r\n")[0].split(","));
        assertThat(line(csv, workload).split(",", -1)[cols.indexOf("cost_per_task_usd")])
                .isEmpty();
        for (String table : List.of("models", "tools")) {
            String t = Access.admin()
                    .get("/api/reports/workloads/" + workload + WorkloadsTest.range() + "&format=csv&table=" + table)
                    .then()
                    .statusCode(200)
                    .extract()
                    .asString();
            String[] lines = t.split("\r\n");
            assertThat(lines).as(table).hasSize(2);
            List<String> header = Arrays.asList(lines[0].split(","));
            assertThat(lines[1].split(",", -1)[header.indexOf("spend_usd")])
                    .as(table + " spend_usd")
                    .isEmpty();
        }
        assertThat(workloadPage(workload)).contains("all unpriced").doesNotContain("$0.00");
    }

    @Test
    void aWorkloadsToolsDoNotClaimNoPeopleUsedThemSincePeoplePerWorkloadAreNotCounted() {
        String team = WorkloadsTest.team();
        String workload = "people-tool-" + WorkloadsTest.suffix();
        String key = WorkloadsTest.employeeKey(team, true);
        WorkloadsTest.chat(key, Map.of("x-tally-workload", workload)).then().statusCode(200);
        JsonPath j = row(workload, p -> p.getLong("workload.usage.requests") == 1);
        // one person called: client_activity has no workload, so the count is unknown, not 0
        assertThat(j.getList("tools")).hasSize(1);
        assertThat(j.getString("tools[0].people")).isNull();
        String[] lines = Access.admin()
                .get("/api/reports/workloads/" + workload + WorkloadsTest.range() + "&format=csv&table=tools")
                .then()
                .statusCode(200)
                .extract()
                .asString()
                .split("\r\n");
        List<String> header = Arrays.asList(lines[0].split(","));
        assertThat(lines[1].split(",", -1)[header.indexOf("people")]).isEmpty();
    }

    @Test
    void theSpendSharesOfTheCheapestAndDearestTierAndTheRunsThatEscalatedAreExact() {
        String team = WorkloadsTest.team();
        String workload = "advisor-" + WorkloadsTest.suffix();
        String bot = WorkloadsTest.serviceKey(team, workload).getString("key");
        long cheap = 0;
        long dear = 0;
        // run adv-1 starts on the cheap model and then asks the dear one twice: escalated, 2 calls
        cheap += cost(chat(bot, "gpt-4o-mini", "adv-1"));
        dear += cost(chat(bot, "gpt-4o", "adv-1"));
        dear += cost(chat(bot, "gpt-4o", "adv-1"));
        // run adv-2 stays on the cheap model; run adv-3 starts on the dear one and steps down: neither escalated
        cheap += cost(chat(bot, "gpt-4o-mini", "adv-2"));
        dear += cost(chat(bot, "gpt-4o", "adv-3"));
        cheap += cost(chat(bot, "gpt-4o-mini", "adv-3"));
        assertThat(dear).isGreaterThan(cheap);
        long total = cheap + dear;
        JsonPath j = row(
                workload,
                p -> p.getLong("workload.usage.requests") == 6
                        && p.getList("runs").size() == 3);
        assertThat(j.getList("workload.tiers.cheapestModels")).containsExactly("gpt-4o-mini");
        assertThat(j.getList("workload.tiers.dearestModels")).containsExactly("gpt-4o");
        assertThat(new BigDecimal(j.getString("workload.tiers.cheapestSpendShare")))
                .isEqualByComparingTo(
                        BigDecimal.valueOf(cheap).divide(BigDecimal.valueOf(total), 4, RoundingMode.HALF_UP));
        assertThat(new BigDecimal(j.getString("workload.tiers.dearestSpendShare")))
                .isEqualByComparingTo(
                        BigDecimal.valueOf(dear).divide(BigDecimal.valueOf(total), 4, RoundingMode.HALF_UP));
        assertThat(j.getLong("workload.tiers.escalatedRuns")).isEqualTo(1);
        assertThat(j.getLong("workload.tiers.escalatedCalls")).isEqualTo(2);
        assertThat(j.getBoolean("runs.find { it.runId == 'adv-1' }.escalated")).isTrue();
        assertThat(j.getLong("runs.find { it.runId == 'adv-1' }.escalatedCalls"))
                .isEqualTo(2);
        assertThat(j.getBoolean("runs.find { it.runId == 'adv-2' }.escalated")).isFalse();
        assertThat(j.getBoolean("runs.find { it.runId == 'adv-3' }.escalated")).isFalse();

        // JSON = CSV, and the page names the tiers
        String csv = Access.admin()
                .get("/api/reports/workloads" + WorkloadsTest.range() + "&format=csv&table=tiers")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String line = line(csv, workload);
        assertThat(WorkloadsTest.column(csv, line, "cheapest_spend_share"))
                .isEqualByComparingTo(new BigDecimal(j.getString("workload.tiers.cheapestSpendShare")));
        assertThat(WorkloadsTest.column(csv, line, "escalated_runs")).isEqualByComparingTo(BigDecimal.ONE);
        assertThat(WorkloadsTest.column(csv, line, "escalated_calls")).isEqualByComparingTo(BigDecimal.valueOf(2));
        String runs = Access.admin()
                .get("/api/reports/workloads/" + workload + WorkloadsTest.range() + "&format=csv&table=runs")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(WorkloadsTest.sumColumn(runs, "escalated_calls", false)).isEqualByComparingTo(BigDecimal.valueOf(2));
        assertThat(workloadPage(workload))
                .contains("Model tiers and escalations")
                .contains("1 runs moved to a dearer model")
                // a run's outcomes are the workload's of every team in its window, and say so
                .contains("Outcomes in window, all teams");
    }

    @Test
    void theReportIsReusedWhileNoRollupChangesAndReadAgainOnceOneDoes() {
        String team = WorkloadsTest.team();
        String workload = "cached-" + WorkloadsTest.suffix();
        String bot = WorkloadsTest.serviceKey(team, workload).getString("key");
        chat(bot, "gpt-4o-mini", null).then().statusCode(200);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Period period = Period.parse(
                null, today.minusDays(1).toString(), today.plusDays(1).toString(), today);
        WorkloadReport.Detail first = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> reports.workload(workload, period),
                        d -> d.workload().usage().requests() == 1);
        // Quiet: the same rollup_version, the same report object. Other tests' calls may move the version
        // meanwhile, so the check is repeated until two reads meet under one version.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> reports.workload(workload, period) == reports.workload(workload, period));
        chat(bot, "gpt-4o-mini", null).then().statusCode(200);
        WorkloadReport.Detail second = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> reports.workload(workload, period),
                        d -> d.workload().usage().requests() == 2);
        assertThat(second).isNotSameAs(first);
        assertThat(second.workload().usage().costNanos())
                .isEqualTo(2 * first.workload().usage().costNanos());
    }

    static long cost(Response r) {
        String id = r.then().statusCode(200).extract().header("x-request-id");
        return events.await(id).path("data").path("costNanos").asLong();
    }

    static String line(String csv, String workload) {
        return Arrays.stream(csv.split("\r\n"))
                .filter(l -> l.startsWith(workload + ","))
                .findFirst()
                .orElseThrow();
    }

    /** The workload's page as a leader reads it, over the tests' range. */
    static String workloadPage(String workload) {
        return Access.leader()
                .get("/workloads/" + workload + WorkloadsTest.range())
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }
}
