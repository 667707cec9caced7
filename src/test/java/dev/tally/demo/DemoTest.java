package dev.tally.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tally.access.Access;
import dev.tally.events.Topics;
import dev.tally.gateway.GatewayMetrics;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestSql;
import dev.tally.platform.time.OrgCalendar;
import dev.tally.rollup.AggregatorConfig;
import dev.tally.rollup.AggregatorMetrics;
import dev.tally.workload.ClientDetector;

/**
 * The demo as a new user meets it: TALLY_DEMO_ENABLED seeds the example org through the identity
 * service, its live calls go through the real gateway (simulated provider) with the demo keys, the
 * aggregator rolls them up, outcomes arrive, the org report shows teams on both sides of break-even,
 * every page carries the banner, and the traffic stops when the app shuts down.
 */
@QuarkusTest
@WithTestResource(TallyServices.class)
@TestProfile(DemoProfile.class)
class DemoTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KafkaConsumer<String, String> consumer;
    /** Usage events of demo teams carrying a key id: only the gateway writes those (history has none). */
    private static final Map<String, JsonNode> liveEvents = new HashMap<>();

    @Inject
    DataSource dataSource;

    @Inject
    DemoRunner runner;

    @Inject
    OrgCalendar calendar;

    @Inject
    AggregatorConfig aggregatorConfig;

    @Inject
    AggregatorMetrics aggregatorMetrics;

    @Inject
    GatewayMetrics gatewayMetrics;

    @BeforeAll
    static void consumer() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TallyServices.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "demo-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
        consumer.subscribe(List.of(Topics.USAGE));
    }

    @AfterAll
    static void close() {
        consumer.close();
    }

    @Test
    void seedsTheOrgAndFillsThePagesThroughTheRealGateway() throws Exception {
        // reports are read as a signed-in leader: sign in first, outside the timed waits below
        Access.leaderCookie();
        // ~8 teams across engineering and non-engineering departments, ~80 people, each with a key.
        Map<UUID, String[]> teams =
                await().atMost(Duration.ofSeconds(60)).until(this::demoTeams, t -> t.size() == DemoOrg.TEAMS.size());
        assertThat(teams.values().stream().map(t -> t[1]).distinct())
                .contains("Engineering", "Data", "Security", "Customer Success", "Marketing", "Finance");
        int people =
                DemoOrg.TEAMS.stream().mapToInt(DemoOrg.TeamProfile::people).sum();
        assertThat(people).isBetween(70, 90);
        Set<String> keyIds =
                await().atMost(Duration.ofSeconds(60)).until(() -> demoKeyIds(teams.keySet()), k -> k.size() == people);
        assertThat(count("SELECT count(*) FROM employee WHERE team_id = ANY (?)", teams.keySet()))
                .isEqualTo(people);
        // Created today, the demo's people are members since the epoch: its past days count whole teams
        // (a report counts a day's members from the membership history), not only those who used AI.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode past = report("/api/reports/org?from=" + calendar.today().minusDays(6) + "&to="
                    + calendar.today().minusDays(2));
            long members = 0;
            for (JsonNode t : past.path("teams")) {
                if (teams.containsKey(UUID.fromString(t.path("id").asText()))) {
                    members += t.path("metrics").path("employees").asLong();
                }
            }
            assertThat(members).isEqualTo(people);
        });
        // and a service key per demo workload (the review bot, the nightly loop, finance automation)
        keyIds.addAll(await().atMost(Duration.ofSeconds(60))
                .until(() -> demoServiceKeyIds(teams.keySet()), k -> k.size() == DemoWorkloads.ALL.size()));

        // Live calls: usage events with the demo's key ids, written by the gateway's simulated provider.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            poll(teams.keySet());
            return liveEvents.size() >= 20;
        });
        assertThat(liveEvents.values()).allSatisfy(e -> {
            assertThat(keyIds).contains(e.path("data").path("keyId").asText());
            assertThat(e.path("data").path("provider").asText()).isEqualTo("simulated");
            assertThat(e.path("data").path("status").asInt()).isEqualTo(200);
            // each call as its tool makes it: the gateway recognises the tool and records its API
            String client = e.path("data").path("client").asText();
            assertThat(client).isNotEqualTo(ClientDetector.OTHER);
            assertThat(e.path("data").path("api").asText())
                    .isEqualTo(
                            DemoHistory.api(client, e.path("data").path("model").asText()).eventName);
        });

        // ...reach the rollups: today holds only live traffic (history ends yesterday).
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            JsonNode today = demoTeamsToday(teams.keySet());
            assertThat(today.path("requests").asLong()).isGreaterThanOrEqualTo(20);
            assertThat(today.path("spend_nanos").asLong()).isPositive();
        });

        // Outcomes: the history's and live ones (ids "demo:live-…", today).
        await().atMost(Duration.ofSeconds(120))
                .until(() -> count(
                                "SELECT count(*) FROM outcome WHERE team_id = ANY (?) AND id LIKE 'demo:live-%'",
                                teams.keySet())
                        > 0);

        // At least one team returns more than it spends and at least one less (history + live, 7 days).
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            JsonNode r = report("/api/reports/org?preset=7d");
            List<Boolean> paysOff = new ArrayList<>();
            long prs = 0;
            for (JsonNode t : r.path("teams")) {
                if (teams.containsKey(UUID.fromString(t.path("id").asText()))) {
                    paysOff.add(t.path("metrics").path("pays_off").asBoolean());
                    prs += t.path("metrics").path("prs_merged").asLong();
                }
            }
            assertThat(paysOff).hasSize(DemoOrg.TEAMS.size()).contains(true, false);
            assertThat(prs).isPositive();
            assertThat(r.path("demoData").asBoolean()).isTrue();
        });

        String html = Access.leader().get("/").then().statusCode(200).extract().asString();
        assertThat(html).contains("DEMO DATA");
    }

    /** The demo's budgets: a team past its soft budget, a downgrade in effect, a spike alert. */
    @Test
    void hasBudgetsPastASoftOneDowngradingAndASpikeAlert() throws Exception {
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            var budgets = Access.leader()
                    .get("/api/reports/budgets")
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertThat(budgets.getString("budgets.find { it.name == '" + DemoBudgets.SOFT + "' }.state"))
                    .isEqualTo("exceeded");
            assertThat(budgets.getDouble("budgets.find { it.name == '" + DemoBudgets.ADVISOR + "' }.percent"))
                    .isGreaterThanOrEqualTo(10.0);
            assertThat(count(
                            "SELECT count(*) FROM budget_alert a JOIN budget b ON b.id = a.budget_id "
                                    + "WHERE b.name = ? AND a.kind = 'spike'",
                            DemoBudgets.SPIKES))
                    .isPositive();
        });
        // the downgrade is in effect: Payments' live calls go to the cheaper models and say so
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Map<UUID, String[]> teams = demoTeams();
            poll(teams.keySet());
            return liveEvents.values().stream()
                    .anyMatch(e -> e.path("data").path("downgradedFrom").isTextual());
        });
        String page =
                Access.leader().get("/budgets").then().statusCode(200).extract().asString();
        assertThat(page)
                .contains(DemoBudgets.SOFT)
                .contains(DemoBudgets.ADVISOR)
                .contains("budget-bar");
    }

    /**
     * The demo's calls are a trickle (here one every 20 ms, by default one every 400 ms), far below the
     * gateway's busy threshold: the aggregator rolls them up without waiting for the gateway.
     */
    @Test
    void theDemosTrickleOfCallsDoesNotPaceTheAggregator() throws Exception {
        assertThat(aggregatorConfig.shareUnderGatewayLoad())
                .as("the pacing is on")
                .isLessThan(1);
        Map<UUID, String[]> teams =
                await().atMost(Duration.ofSeconds(60)).until(this::demoTeams, t -> t.size() == DemoOrg.TEAMS.size());
        // live calls rolled up today: the aggregator committed batches while the demo's calls went on
        await().atMost(Duration.ofSeconds(120))
                .until(() -> demoTeamsToday(teams.keySet()).path("requests").asLong() >= 50);
        assertThat(gatewayMetrics.calls())
                .as("calls through this JVM's gateway")
                .isGreaterThanOrEqualTo(50);
        assertThat(aggregatorMetrics.pacedCount()).as("waits for the gateway").isZero();
    }

    /** Independent of the other test: waits for the demo itself, and starts the traffic again at the end. */
    @Test
    void trafficStopsOnShutdown() throws Exception {
        Map<UUID, String[]> teams =
                await().atMost(Duration.ofSeconds(60)).until(this::demoTeams, t -> t.size() == DemoOrg.TEAMS.size());
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            poll(teams.keySet());
            return runner.trafficRunning() && !liveEvents.isEmpty();
        });
        try {
            runner.stop(null); // what the ShutdownEvent observer does
            assertThat(runner.trafficRunning()).isFalse();
            // Drain what was sent before the stop, then no further gateway call may appear.
            // Calls started just before the stop may still be answered: drained once five polls in a row
            // (each up to 300 ms) bring no new event with this consumer at the end of the topic. Without
            // "at the end", polls still reading the history events (no key, so not live) that the other
            // tests' polls left behind passed for quiet, and the live events behind them came late.
            AtomicInteger seen = new AtomicInteger(-1);
            AtomicInteger quiet = new AtomicInteger();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                poll(teams.keySet());
                int n = liveEvents.size();
                if (seen.getAndSet(n) == n && atEnd()) {
                    return quiet.incrementAndGet() >= 5;
                }
                quiet.set(0);
                return false;
            });
            int after = liveEvents.size();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> {
                poll(teams.keySet());
                return liveEvents.size() == after;
            });
        } finally {
            runner.start(null); // what the StartupEvent observer does: the other test needs live traffic
        }
    }

    private void poll(Set<UUID> teams) throws Exception {
        for (var r : consumer.poll(Duration.ofMillis(300))) {
            JsonNode e;
            try {
                e = JSON.readTree(r.value());
            } catch (JsonProcessingException notJson) {
                continue; // the broker is shared: other tests' poison records are on the topic too
            }
            JsonNode data = e.path("data");
            if (!data.path("keyId").isTextual() || !data.path("teamId").isTextual()) {
                continue;
            }
            if (teams.contains(UUID.fromString(data.path("teamId").asText()))) {
                liveEvents.put(e.path("id").asText(), e);
            }
        }
    }

    /** Whether the consumer has read every record the usage topic holds now. */
    private static boolean atEnd() {
        Set<TopicPartition> partitions = consumer.assignment();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        return !partitions.isEmpty() && partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
    }

    /** The demo teams' requests and spend_nanos today (only live traffic: history ends yesterday). */
    private JsonNode demoTeamsToday(Set<UUID> teams) throws Exception {
        String today = calendar.today().toString();
        JsonNode r = report("/api/reports/org?from=" + today + "&to=" + today);
        long requests = 0;
        long spend = 0;
        for (JsonNode t : r.path("teams")) {
            if (teams.contains(UUID.fromString(t.path("id").asText()))) {
                requests += t.path("metrics").path("requests").asLong();
                spend += t.path("metrics").path("spend_nanos").asLong();
            }
        }
        return JSON.createObjectNode().put("requests", requests).put("spend_nanos", spend);
    }

    private static JsonNode report(String path) throws Exception {
        return JSON.readTree(
                Access.leader().get(path).then().statusCode(200).extract().asString());
    }

    /** The demo's own teams (exact demo names; other tests' fixtures use suffixed names): id → name, department. */
    private Map<UUID, String[]> demoTeams() throws SQLException {
        Set<String> names = new HashSet<>();
        DemoOrg.TEAMS.forEach(p -> names.add(p.name()));
        Map<UUID, String[]> out = new HashMap<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT t.id, t.name, t.department FROM team t JOIN dashboard_demo_team d ON d.team_id = t.id");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (names.contains(rs.getString(2))) {
                    out.put(rs.getObject(1, UUID.class), new String[] {rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    /** Ids of the active "demo" keys of the demo teams' members. */
    private Set<String> demoKeyIds(Set<UUID> teams) throws SQLException {
        return keyIds(
                teams,
                "SELECT k.id FROM api_key k JOIN employee e ON e.id = k.employee_id"
                        + " WHERE e.team_id = ANY (?) AND k.name = 'demo' AND k.revoked_at IS NULL");
    }

    /** The demo workloads' service keys (docs/workloads.md): owned by a team, with a workload. */
    private Set<String> demoServiceKeyIds(Set<UUID> teams) throws SQLException {
        return keyIds(
                teams,
                "SELECT k.id FROM api_key k WHERE k.team_id = ANY (?) AND k.workload IS NOT NULL"
                        + " AND k.name LIKE 'demo-%' AND k.revoked_at IS NULL");
    }

    private Set<String> keyIds(Set<UUID> teams, String sql) throws SQLException {
        Set<String> out = new HashSet<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", teams.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private long count(String sql, String param) {
        return TestSql.count(dataSource, sql, param);
    }

    private long count(String sql, Set<UUID> teams) {
        return TestSql.count(dataSource, sql, teams);
    }
}
