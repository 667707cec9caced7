package dev.tally.alert.digest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.tally.alert.channel.AlertChannelService;
import dev.tally.alert.channel.AlertDeliveries;
import dev.tally.alert.channel.Receiver;
import dev.tally.dashboard.RollupFixture;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * The weekly digest of a week far from the others' data (March 2031), composed from real rollups and
 * delivered to a real receiver: once, though four callers race to send it.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class WeeklyDigestTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDate MONDAY = LocalDate.of(2031, 3, 3);
    /** Monday 10 March 2031, 09:00 UTC: after the default send time (Monday 08:00, zone UTC in tests). */
    static final Instant SEND = Instant.parse("2031-03-10T09:00:00Z");

    @Inject
    WeeklyDigest digest;

    @Inject
    DataSource dataSource;

    @Inject
    AlertDeliveries deliveries;

    @Inject
    AlertChannelService channelService;

    static final List<String> channels = new ArrayList<>();

    static Receiver receiver;

    @BeforeAll
    static void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void deleteChannels() {
        // the channels go, so the background digest of the real current week is not sent to a closed receiver
        channels.forEach(id -> channelService.delete(UUID.fromString(id)));
        channels.clear();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @Test
    void theDigestIsSentOnceWithSpendRoiAndTheBiggestChangesThoughFourCallersRace() throws Exception {
        RollupFixture fx = new RollupFixture(dataSource);
        UUID payments = fx.team("Payments", "Engineering");
        UUID search = fx.team("Search", "Engineering");
        UUID alice = fx.employees(payments, 1).get(0);
        UUID bob = fx.employees(search, 1).get(0);
        fx.usage(MONDAY.minusDays(3), payments, alice, "gpt-4o-mini", 3, 100, 50, 0, 120_000_000_000L, 0);
        fx.usage(MONDAY.plusDays(2), payments, alice, "gpt-4o-mini", 5, 100, 50, 0, 310_000_000_000L, 0);
        fx.usage(MONDAY.plusDays(4), search, bob, "gpt-4o-mini", 2, 100, 50, 0, 40_000_000_000L, 0);
        // one call of a model without a price: its cost is unknown, so the week's ROI is a bound
        fx.usage(MONDAY.plusDays(4), search, bob, "internal-llama-70b", 1, 100, 50, 0, 0, 1);

        String hookPath = "/digest-hook/" + UUID.randomUUID();
        String slackPath = "/digest-slack/" + UUID.randomUUID();
        String secret = "digest-secret-0123456789";
        channel(Map.of(
                "type",
                "webhook",
                "name",
                "digest hook",
                "url",
                receiver.url(hookPath),
                "secret",
                secret,
                "digest",
                true));
        channel(Map.of("type", "slack", "name", "digest slack", "url", receiver.url(slackPath), "digest", true));
        channel(Map.of("type", "slack", "name", "alerts only", "url", receiver.url("/no-digest"), "digest", false));
        // spend against budget: March 2031 up to the send time holds Payments' $310 (the $120 was in February)
        String budgetName = "Digest budget " + UUID.randomUUID().toString().substring(0, 6);
        String budget = given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "name",
                        budgetName,
                        "scope",
                        "team",
                        "scopeId",
                        payments.toString(),
                        "period",
                        "month",
                        "amountUsd",
                        "500",
                        "mode",
                        "alert"))
                .post("/api/admin/budgets")
                .then()
                .statusCode(201)
                .extract()
                .<String>path("id");

        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<Integer>> callers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            callers.add(() -> digest.runDue(SEND));
        }
        int added = 0;
        for (Future<Integer> f : pool.invokeAll(callers)) {
            added += f.get();
        }
        pool.shutdown();
        assertThat(digest.runDue(SEND.plus(Duration.ofDays(3)))).isZero(); // later in the same week: already sent
        assertThat(added).isGreaterThanOrEqualTo(2); // other tests' digest channels may get it too

        // the deliveries are due at SEND (in 2031): the outbox is run at that time, twice
        deliveries.runDue(SEND);
        deliveries.runDue(SEND.plusSeconds(60));
        assertThat(forWeek(hookPath)).hasSize(1);
        assertThat(forWeek(slackPath)).hasSize(1);
        assertThat(receiver.requests("/no-digest")).isEmpty();

        Receiver.Request hook = forWeek(hookPath).get(0);
        assertThat(hook.header("X-Tally-Signature-256")).isEqualTo(Receiver.signature(secret, hook.body()));
        JsonNode event = JSON.readTree(hook.body());
        assertThat(event.path("type").asText()).isEqualTo("dev.tally.digest.v1");
        JsonNode data = event.path("data");
        assertThat(data.path("weekStart").asText()).isEqualTo("2031-03-03");
        assertThat(data.path("weekEnd").asText()).isEqualTo("2031-03-09");
        JsonNode team = teamNode(data, payments);
        assertThat(team.path("spendNanos").asLong()).isEqualTo(310_000_000_000L);
        assertThat(team.path("previousSpendNanos").asLong()).isEqualTo(120_000_000_000L);
        assertThat(teamNode(data, search).path("spendNanos").asLong()).isEqualTo(40_000_000_000L);

        String slack = forWeek(slackPath).get(0).body();
        JsonNode blocks = JSON.readTree(slack).path("blocks");
        assertThat(blocks.get(0).path("text").path("text").asText())
                .isEqualTo("Weekly digest: 3 Mar 2031 – 9 Mar 2031");
        assertThat(slack)
                .contains(
                        "*ROI by team*",
                        "*Biggest changes on the week before*",
                        "*Open alerts*",
                        "Payments " + payments.toString().substring(0, 6) + ": $120.00 → $310.00 (+158.3%)",
                        "Payments " + payments.toString().substring(0, 6) + ": spent $310.00, value $0.00, ROI 0.00×");
        assertThat(slack).contains("*Spend against budget*", budgetName + " (", "March 2031: $310.00 of $500.00 (62%)");
        assertThat(slack)
                .contains("ROI at most 0.00×, since 1 call used a model without a price")
                .contains("Search " + search.toString().substring(0, 6)
                        + ": spent $40.00, value $0.00, ROI ≤ 0.00× (1 unpriced)");
        assertThat(teamNode(data, search).path("unpricedRequests").asLong()).isEqualTo(1);
        JsonNode line = null;
        for (JsonNode b : data.path("budgets")) {
            if (b.path("name").asText().startsWith(budgetName)) {
                line = b;
            }
        }
        assertThat(line).as("the budget in the digest's data").isNotNull();
        assertThat(line.path("spentNanos").asLong()).isEqualTo(310_000_000_000L);
        assertThat(line.path("limitNanos").asLong()).isEqualTo(500_000_000_000L);
        assertThat(line.path("state").asText()).isEqualTo("warning");
        given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .delete("/api/admin/budgets/" + budget)
                .then()
                .statusCode(204);
    }

    private static JsonNode teamNode(JsonNode data, UUID id) {
        for (JsonNode t : data.path("teams")) {
            if (t.path("teamId").asText().equals(id.toString())) {
                return t;
            }
        }
        throw new AssertionError("team " + id + " not in the digest: " + data.path("teams"));
    }

    private static List<Receiver.Request> forWeek(String path) {
        return receiver.requests(path).stream()
                .filter(r -> "digest:2031-03-03".equals(r.header("X-Tally-Delivery")))
                .toList();
    }

    private static void channel(Map<String, Object> body) {
        channels.add(given().auth()
                .oauth2(TallyServices.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(body)
                .post("/api/admin/alert-channels")
                .then()
                .statusCode(201)
                .extract()
                .path("id"));
    }
}
