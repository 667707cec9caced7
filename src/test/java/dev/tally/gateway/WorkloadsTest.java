package dev.tally.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.tally.access.Access;
import dev.tally.platform.ApiException;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;
import dev.tally.workload.WorkloadRegistry;

/**
 * Issue 14's tests and "done when", over real HTTP against the real broker and database: service
 * keys, workloads and runs on the gateway, client detection, SARIF findings tied to a workload, and
 * the workloads report reconciled with the events, the rollups and the CSV. Every test uses its own
 * team and workload names.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class WorkloadsTest {

    /** One gpt-4o-mini call of the fake provider: 176 input, 1,024 cache read, 300 output tokens. */
    static final long CALL_NANOS = 176 * 150 + 1024 * 75 + 300 * 600;

    static UsageEvents events;

    @Inject
    DataSource dataSource;

    @Inject
    WorkloadRegistry registry;

    static boolean warm;

    @BeforeAll
    static void listen() {
        events = new UsageEvents();
    }

    /**
     * The first call of a fresh JVM pays for JIT and the upstream connection, which on a loaded
     * machine can exceed the test profile's 1.5 s first-byte deadline (a 504): not what these tests are about.
     */
    @BeforeEach
    void warmUp() {
        if (!warm) {
            String key = employeeKey(team(), false);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> chat(key, Map.of()).statusCode() == 200);
            warm = true;
        }
    }

    @AfterAll
    static void stop() {
        events.close();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static RequestSpecification admin() {
        return given().auth().oauth2(TallyServices.ADMIN_TOKEN).contentType(ContentType.JSON);
    }

    static String team() {
        return admin().body(Map.of("name", "wl-team-" + suffix(), "department", "Engineering"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }

    static String employeeKey(String team, boolean workloadHeader) {
        String employee = admin().body(
                        Map.of("email", "wl-" + suffix() + "@example.com", "name", "Workload Tester", "teamId", team))
                .post("/api/admin/employees")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        return usable(admin().body(Map.of("employeeId", employee, "workloadHeader", workloadHeader))
                .post("/api/admin/keys")
                .then()
                .statusCode(201)
                .extract()
                .path("key"));
    }

    static JsonPath serviceKey(String team, String workload) {
        JsonPath created = admin().body(
                        Map.of("teamId", team, "service", true, "name", "review bot", "workload", workload))
                .post("/api/admin/keys")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        usable(created.getString("key"));
        return created;
    }

    /** The gateway's key cache may learn about a new key a moment later. */
    static String usable(String key) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> given().header("Authorization", "Bearer " + key)
                                .get("/v1/models")
                                .statusCode()
                        == 200);
        return key;
    }

    static Response chat(String key, Map<String, String> headers) {
        return given().header("Authorization", "Bearer " + key)
                .headers(headers)
                .contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/chat/completions");
    }

    static String range() {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        return "?from=" + today.minusDays(1) + "&to=" + today.plusDays(1);
    }

    static JsonPath workloadRow(String workload, long requests) {
        return await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> Access.admin()
                                .get("/api/reports/workloads/" + workload + range())
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath(),
                        j -> j.getLong("workload.usage.requests") == requests);
    }

    @Test
    void aServiceKeysCallsCountUnderItsTeamAndWorkloadAndNotInAdoption() {
        String team = team();
        String person = employeeKey(team, false);
        String workload = "code-review-" + suffix();
        JsonPath created = serviceKey(team, workload);
        assertThat(created.getBoolean("service")).isTrue();
        assertThat(created.getString("employeeId")).isNull();
        assertThat(created.getString("teamId")).isEqualTo(team);
        assertThat(created.getString("workload")).isEqualTo(workload);
        String bot = created.getString("key");

        String personCall =
                chat(person, Map.of()).then().statusCode(200).extract().header("x-request-id");
        List<String> botCalls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            botCalls.add(chat(bot, Map.of()).then().statusCode(200).extract().header("x-request-id"));
        }
        for (String id : botCalls) {
            JsonNode d = events.await(id).path("data");
            assertThat(d.path("employeeId").isNull()).isTrue();
            assertThat(d.path("teamId").asText()).isEqualTo(team);
            assertThat(d.path("workload").asText()).isEqualTo(workload);
        }
        assertThat(events.await(personCall).path("data").path("workload").asText())
                .isEqualTo("interactive");

        JsonPath w = workloadRow(workload, 3);
        assertThat(w.getLong("workload.usage.costNanos")).isEqualTo(3 * CALL_NANOS);
        assertThat(w.getBoolean("workload.service")).isTrue();
        assertThat(w.getString("workload.teams[0].id")).isEqualTo(team);
        // the team's totals include the bot; its adoption is the one person, and its people list has no bot
        JsonPath t = await().atMost(Duration.ofSeconds(30))
                .until(
                        () -> Access.admin()
                                .get("/api/reports/teams/" + team + range())
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath(),
                        j -> j.getLong("totals.requests") == 4);
        assertThat(t.getLong("totals.spend_nanos")).isEqualTo(4 * CALL_NANOS);
        assertThat(t.getLong("totals.active_users")).isEqualTo(1);
        String people = Access.admin()
                .get("/api/reports/teams/" + team + range() + "&format=csv&table=employees")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(sumColumn(people, "requests", false)).isEqualByComparingTo(BigDecimal.ONE);
    }

    @Test
    void aWorkloadHeaderIsRefusedWhereTheKeysPolicyForbidsItOrTheNameIsNotAllowed() {
        String team = team();
        String plain = employeeKey(team, false);
        Response r = chat(plain, Map.of("x-tally-workload", "nightly-loop"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.jsonPath().getString("error.param")).isEqualTo("x-tally-workload");
        assertThat(r.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");
        assertThat(r.jsonPath().getString("error.message")).contains("may not set x-tally-workload");
        // Anthropic callers get Anthropic's error shape
        Response a = given().header("x-api-key", plain)
                .header("anthropic-version", "2023-06-01")
                .header("x-tally-workload", "nightly-loop")
                .contentType(ContentType.JSON)
                .body(
                        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .post("/v1/messages");
        assertThat(a.statusCode()).isEqualTo(400);
        assertThat(a.jsonPath().getString("type")).isEqualTo("error");
        assertThat(a.jsonPath().getString("error.type")).isEqualTo("invalid_request_error");

        String allowed = employeeKey(team, true);
        Response bad = chat(allowed, Map.of("x-tally-workload", "Nightly Loop!"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.jsonPath().getString("error.message")).contains("not a workload name");
        Response badRun = chat(allowed, Map.of("x-tally-run-id", "run id with spaces"));
        assertThat(badRun.statusCode()).isEqualTo(400);
        assertThat(badRun.jsonPath().getString("error.param")).isEqualTo("x-tally-run-id");

        // the test profile allows 3 names per team: a fourth new one is refused, a known one still passes
        for (int i = 1; i <= 3; i++) {
            String id = chat(allowed, Map.of("x-tally-workload", "loop-" + i))
                    .then()
                    .statusCode(200)
                    .extract()
                    .header("x-request-id");
            assertThat(events.await(id).path("data").path("workload").asText()).isEqualTo("loop-" + i);
        }
        Response fourth = chat(allowed, Map.of("x-tally-workload", "loop-4"));
        assertThat(fourth.statusCode()).isEqualTo(400);
        assertThat(fourth.jsonPath().getString("error.message")).contains("max-per-team");
        chat(allowed, Map.of("x-tally-workload", "loop-2")).then().statusCode(200);
        // refused calls are recorded as rejected, under the key's own workload
        JsonNode refused = events.await(fourth.header("x-request-id")).path("data");
        assertThat(refused.path("outcome").asText()).isEqualTo("rejected");
        assertThat(refused.path("workload").asText()).isEqualTo("interactive");
    }

    @Test
    void claudeCodeAndEachOfficialSdkAreRecognisedAsTheirTool() {
        String key = employeeKey(team(), false);
        Map<String, Map<String, String>> shapes = Map.of(
                "claude-code",
                        Map.of(
                                "User-Agent",
                                "claude-cli/2.0.0 (external, cli)",
                                "x-app",
                                "cli",
                                "x-stainless-lang",
                                "js"),
                "openai-sdk-python", Map.of("User-Agent", "OpenAI/Python 1.52.0", "x-stainless-lang", "python"),
                "openai-sdk-js", Map.of("User-Agent", "OpenAI/JS 6.49.0", "x-stainless-lang", "js"),
                "anthropic-sdk-python", Map.of("User-Agent", "Anthropic/Python 0.40.0", "x-stainless-lang", "python"),
                "anthropic-sdk-java", Map.of("User-Agent", "Anthropic/Java 2.1.0", "x-stainless-lang", "java"),
                "curl", Map.of("User-Agent", "curl/8.5.0"),
                "other", Map.of("User-Agent", "python-requests/2.32"));
        shapes.forEach((client, headers) -> {
            String id = chat(key, headers).then().statusCode(200).extract().header("x-request-id");
            assertThat(events.await(id).path("data").path("client").asText())
                    .as(headers.toString())
                    .isEqualTo(client);
        });
    }

    @Test
    void aRunsCallsAreGroupedWithExactSpendAndTheLongestRunIsFlagged() {
        String team = team();
        String workload = "flaky-tests-" + suffix();
        String bot = serviceKey(team, workload).getString("key");
        for (int i = 0; i < 3; i++) {
            chat(bot, Map.of("x-tally-run-id", "night-1")).then().statusCode(200);
        }
        chat(bot, Map.of("x-tally-run-id", "night-2")).then().statusCode(200);
        chat(bot, Map.of()).then().statusCode(200); // no run: counted for the workload, in no run
        JsonPath j = workloadRow(workload, 5);
        assertThat(j.getLong("workload.runs")).isEqualTo(2);
        List<Map<String, Object>> runs = j.getList("runs");
        assertThat(runs).extracting(r -> r.get("runId")).containsExactlyInAnyOrder("night-1", "night-2");
        Map<String, Object> night1 = runs.stream()
                .filter(r -> r.get("runId").equals("night-1"))
                .findFirst()
                .orElseThrow();
        assertThat(((Map<?, ?>) night1.get("usage")).get("requests")).isEqualTo(3);
        assertThat(((Number) ((Map<?, ?>) night1.get("usage")).get("costNanos")).longValue())
                .isEqualTo(3 * CALL_NANOS);
        assertThat(night1.get("mostExpensive")).isEqualTo(true);
        assertThat(runs.stream()
                        .filter(r -> r.get("runId").equals("night-2"))
                        .findFirst()
                        .orElseThrow()
                        .get("mostExpensive"))
                .isEqualTo(false);
        String csv = Access.admin()
                .get("/api/reports/workloads/" + workload + range() + "&format=csv&table=runs")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(sumColumn(csv, "spend_usd", false)).isEqualByComparingTo(BigDecimal.valueOf(4 * CALL_NANOS, 9));
    }

    /** Issue 14's "done when", as a new user would check it. */
    @Test
    void aSarifUploadWithAWorkloadMakesCostPerBugCaughtExactAndTheReportsReconcile() throws Exception {
        String team = team();
        String person = employeeKey(team, false);
        chat(person, Map.of()).then().statusCode(200);
        String workload = "code-review-" + suffix();
        JsonPath created = serviceKey(team, workload);
        String bot = created.getString("key");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(chat(bot, i < 2 ? Map.of("x-tally-run-id", "pr-17") : Map.of())
                    .then()
                    .statusCode(200)
                    .extract()
                    .header("x-request-id"));
        }
        long eventSpend = 0;
        for (String id : ids) {
            eventSpend += events.await(id).path("data").path("costNanos").asLong();
        }
        String repo = "wl-acme/service-" + suffix();
        given().contentType("application/sarif+json")
                .header("Authorization", "Bearer " + TallyServices.ADMIN_TOKEN)
                .queryParam("repo", repo)
                .queryParam("workload", workload)
                .body(scannedJustNow("/sarif/codeql.sarif.json"))
                .post("/api/outcomes/sarif")
                .then()
                .statusCode(200);

        JsonPath j = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> Access.admin()
                                .get("/api/reports/workloads" + range())
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath(),
                        p -> p.getList("workloads.findAll { it.workload == '" + workload + "' }")
                                                .size()
                                        == 1
                                && p.getLong("workloads.find { it.workload == '" + workload + "' }.bugsCaught") == 3
                                && p.getLong("workloads.find { it.workload == '" + workload + "' }.usage.requests")
                                        == 4);
        String row = "workloads.find { it.workload == '" + workload + "' }.";
        long spend = j.getLong(row + "usage.costNanos");
        // events = JSON, and cost per bug caught = spend ÷ bugs, to the nano-dollar
        assertThat(spend).isEqualTo(eventSpend).isEqualTo(4 * CALL_NANOS);
        assertThat(j.getLong(row + "costPerBugCaughtNanos"))
                .isEqualTo(spend / 3)
                .isEqualTo(377_600);
        assertThat(spend % 3).isZero();
        assertThat(j.getLong(row + "runs")).isEqualTo(1);
        // events = rollups
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT sum(cost_nanos), sum(requests) FROM usage_workload_day WHERE workload = ?")) {
            ps.setString(1, workload);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(eventSpend);
                assertThat(rs.getLong(2)).isEqualTo(4);
            }
        }
        // JSON = CSV
        String csv = Access.admin()
                .get("/api/reports/workloads" + range() + "&format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String line = Arrays.stream(csv.split("\r\n"))
                .filter(l -> l.startsWith(workload + ","))
                .findFirst()
                .orElseThrow();
        assertThat(column(csv, line, "spend_usd")).isEqualByComparingTo(BigDecimal.valueOf(spend, 9));
        assertThat(column(csv, line, "cost_per_bug_caught_usd")).isEqualByComparingTo(BigDecimal.valueOf(377_600, 9));
        assertThat(column(csv, line, "bugs_caught")).isEqualByComparingTo(BigDecimal.valueOf(3));
        // the run appears with its calls; the team's adoption is the one person
        JsonPath detail = workloadRow(workload, 4);
        assertThat(detail.getString("runs[0].runId")).isEqualTo("pr-17");
        assertThat(detail.getLong("runs[0].usage.requests")).isEqualTo(2);
        assertThat(Access.admin()
                        .get("/api/reports/teams/" + team + range())
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getLong("totals.active_users"))
                .isEqualTo(1);
        // and the pages show it: the workload with its cost per bug caught, its page with the run
        assertThat(Access.leader()
                        .get("/workloads" + range())
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains(">" + workload + "</a>");
        assertThat(Access.leader()
                        .get("/workloads/" + workload + range())
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("pr-17")
                .contains("3 bugs caught");
        assertThat(Access.leader()
                        .get("/teams/" + team + range())
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("Adoption by tool");
    }

    @Test
    void aServiceKeyNeedsATeamANameAndAWorkload() {
        String team = team();
        admin().body(Map.of("teamId", team, "service", true, "name", "bot"))
                .post("/api/admin/keys")
                .then()
                .statusCode(400)
                .body("detail", equalTo("workload: required for a service key"));
        admin().body(Map.of("teamId", team, "service", true, "workload", "code-review"))
                .post("/api/admin/keys")
                .then()
                .statusCode(400)
                .body("detail", equalTo("name: required for a service key"));
        admin().body(Map.of("service", true, "name", "bot", "workload", "code-review"))
                .post("/api/admin/keys")
                .then()
                .statusCode(400)
                .body("detail", equalTo("teamId: required for a service key"));
        // every field missing is named in the one answer, not one per attempt
        admin().body(Map.of("teamId", team, "service", true))
                .post("/api/admin/keys")
                .then()
                .statusCode(400)
                .body("detail", equalTo("name, workload: required for a service key"));
        admin().body(Map.of("service", true))
                .post("/api/admin/keys")
                .then()
                .statusCode(400)
                .body("detail", equalTo("teamId, name, workload: required for a service key"));
        admin().body(Map.of("teamId", team, "service", true, "name", "bot", "workload", "Code Review"))
                .post("/api/admin/keys")
                .then()
                .statusCode(400);
        admin().body(Map.of("teamId", team, "name", "bot", "workload", "code-review"))
                .post("/api/admin/keys")
                .then()
                .statusCode(400);
    }

    /** A SARIF fixture whose scan happened a minute ago (its findings then fall in the reports' period). */
    byte[] scannedJustNow(String resource) throws IOException {
        String sarif = new String(getClass().getResourceAsStream(resource).readAllBytes(), StandardCharsets.UTF_8);
        Instant now = Instant.now();
        return sarif.replace("2026-11-20T09:00:00Z", now.minusSeconds(120).toString())
                .replace("2026-11-20T09:04:12Z", now.minusSeconds(60).toString())
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aServiceKeyThatIsNotCreatedLeavesNoWorkloadNameHoldingATeamsPlace() {
        // max-per-team is 3 in tests; the key is refused after its workload was checked (a blank model)
        String team = team();
        admin().body(Map.of(
                        "teamId",
                        team,
                        "service",
                        true,
                        "name",
                        "never made",
                        "workload",
                        "ghost-" + suffix(),
                        "allowedModels",
                        List.of(" ")))
                .post("/api/admin/keys")
                .then()
                .statusCode(400)
                .body("detail", containsString("allowedModels[0]"));
        UUID id = UUID.fromString(team);
        // the team's three places are all free: a name of a key that was never made holds none
        assertThat(registry.admit(id, "first-" + suffix())).isNull();
        assertThat(registry.admit(id, "second-" + suffix())).isNull();
        assertThat(registry.admit(id, "third-" + suffix())).isNull();
        assertThat(registry.admit(id, "fourth-" + suffix())).isEqualTo(WorkloadRegistry.Refused.TOO_MANY);
    }

    @Test
    void twoServiceKeysCreatedAtOnceCannotTogetherTakeATeamPastItsWorkloadBound() throws Exception {
        // max-per-team is 3 in tests: the team has 2 names, and two admin transactions each add a third
        UUID team = UUID.fromString(team());
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO team_workload (team_id, name) VALUES (?, ?)")) {
            for (String n : List.of("race-1", "race-2")) {
                ps.setObject(1, team);
                ps.setString(2, n);
                ps.executeUpdate();
            }
        }
        try (Connection a = dataSource.getConnection();
                Connection b = dataSource.getConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            registry.requireForKey(a, team, "race-a");
            CompletableFuture<Throwable> other = CompletableFuture.supplyAsync(() -> {
                try {
                    registry.requireForKey(b, team, "race-b");
                    b.commit();
                    return null;
                } catch (Throwable t) {
                    try {
                        b.rollback();
                    } catch (Exception ignored) {
                        // the connection is closed below either way
                    }
                    return t;
                }
            });
            // the first transaction commits once the second has finished or waits for it
            await().atMost(Duration.ofSeconds(10)).until(() -> other.isDone() || waitingForALock());
            a.commit();
            assertThat(other.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("max-per-team");
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM team_workload WHERE team_id = ?")) {
            ps.setObject(1, team);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(3);
            }
        }
    }

    private boolean waitingForALock() throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    /** Sum of a CSV column over its rows (no total row in these tables). */
    static BigDecimal sumColumn(String csv, String column, boolean totalRow) {
        String[] lines = csv.split("\r\n");
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].startsWith("TOTAL") == totalRow) {
                sum = sum.add(column(csv, lines[i], column));
            }
        }
        return sum;
    }

    static BigDecimal column(String csv, String line, String column) {
        List<String> header = Arrays.asList(csv.split("\r\n")[0].split(","));
        int idx = header.indexOf(column);
        assertThat(idx).as("column " + column).isNotNegative();
        String v = line.split(",", -1)[idx];
        return v.isEmpty() ? BigDecimal.ZERO : new BigDecimal(v);
    }
}
