package dev.tally.dashboard;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.events.CloudEvent;
import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TallyServices;
import dev.tally.platform.TestStack;

/**
 * Events produced to the real broker = rollups the aggregator wrote = /api/reports totals = CSV
 * totals, for a team of this test's own created through the admin API.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class ReconciliationTest {

    @Inject
    DataSource dataSource;

    @Inject
    ObjectMapper json;

    @Test
    void eventsEqualRollupsEqualReportsEqualCsv() throws Exception {
        String admin = "Bearer " + TallyServices.ADMIN_TOKEN;
        String team = given().header("Authorization", admin)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "Reconcile " + UUID.randomUUID(), "department", "Engineering"))
                .post("/api/admin/teams")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        List<String> people = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            people.add(given().header("Authorization", admin)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "email", "rec-" + UUID.randomUUID() + "@example.test", "name", "Rec " + i, "teamId", team))
                    .post("/api/admin/employees")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id"));
        }

        Random rnd = new Random(42);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        long spend = 0;
        long requests = 0;
        long unpriced = 0;
        long tokens = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                TallyServices.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class))) {
            for (int i = 0; i < 400; i++) {
                boolean priced = i % 10 != 0;
                long in = 100 + rnd.nextInt(5000);
                long out = 10 + rnd.nextInt(800);
                long cacheRead = rnd.nextInt(3000);
                Long cost = priced ? in * 150 + out * 600 + cacheRead * 75 : null;
                String employee = people.get(rnd.nextInt(people.size()));
                Instant at = today.minusDays(rnd.nextInt(5))
                        .atStartOfDay()
                        .toInstant(ZoneOffset.UTC)
                        .plusSeconds(rnd.nextInt(80_000));
                if (at.isAfter(Instant.now())) {
                    at = Instant.now().minusSeconds(5);
                }
                UsageData d = new UsageData(
                        "req-" + i,
                        null,
                        employee,
                        team,
                        priced ? "openai" : "internal",
                        priced ? "gpt-4o-mini" : "mystery",
                        "chat.completions",
                        false,
                        200,
                        UsageData.OUTCOME_OK,
                        in,
                        out,
                        cacheRead,
                        0,
                        0,
                        cost,
                        priced,
                        false,
                        100,
                        null,
                        null);
                producer.send(new ProducerRecord<>(
                        Topics.USAGE,
                        team,
                        json.writeValueAsBytes(CloudEvent.of(
                                UUID.randomUUID().toString(), "/test", CloudEvent.USAGE_TYPE, team, at, d))));
                spend += cost == null ? 0 : cost;
                requests++;
                unpriced += priced ? 0 : 1;
                tokens += in + out + cacheRead;
            }
            for (int i = 0; i < 12; i++) {
                OutcomeData o = new OutcomeData(
                        OutcomeData.PR_MERGED,
                        team,
                        people.get(i % people.size()),
                        i % 3 != 0,
                        List.of("rule-" + i),
                        "test",
                        "org/rec#" + i,
                        today.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(60 * i),
                        null,
                        null);
                String id = "rec:" + team + ":" + i;
                byte[] value = json.writeValueAsBytes(
                        CloudEvent.of(id, "/test", CloudEvent.OUTCOME_TYPE, team, Instant.now(), o));
                producer.send(new ProducerRecord<>(Topics.OUTCOMES, team, value));
                producer.send(new ProducerRecord<>(Topics.OUTCOMES, team, value)); // a repeat counts once
            }
        }
        final long expectedSpend = spend;
        final long expectedRequests = requests;
        String range = "?from=" + today.minusDays(6) + "&to=" + today;
        JsonPath j = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .until(
                        () -> Access.leader()
                                .get("/api/reports/teams/" + team + range)
                                .then()
                                .statusCode(200)
                                .extract()
                                .jsonPath(),
                        p -> p.getLong("totals.requests") == expectedRequests && p.getLong("totals.prs_merged") == 12);

        // events = rollups
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT sum(cost_nanos), sum(requests), sum(unpriced_requests) FROM usage_daily WHERE team_id = ?::uuid")) {
            ps.setString(1, team);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(spend);
                assertThat(rs.getLong(2)).isEqualTo(requests);
                assertThat(rs.getLong(3)).isEqualTo(unpriced);
            }
        }
        // rollups = report
        assertThat(j.getLong("totals.spend_nanos")).isEqualTo(spend);
        assertThat(j.getLong("totals.unpriced_requests")).isEqualTo(unpriced);
        assertThat(j.getLong("totals.tokens")).isEqualTo(tokens);
        assertThat(j.getLong("totals.prs_merged_ai")).isEqualTo(8);
        assertThat(j.getLong("totals.value_nanos")).isEqualTo(8 * 2 * 100 * 1_000_000_000L);
        // report = CSV (people, daily, and the org's team row)
        BigDecimal usd = BigDecimal.valueOf(spend).movePointLeft(9);
        String people2 = Access.leader()
                .get("/api/reports/teams/" + team + range + "&format=csv&table=employees")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(ReportsApiTest.sumColumn(people2, "spend_usd", false)).isEqualByComparingTo(usd);
        assertThat(ReportsApiTest.sumColumn(people2, "requests", false))
                .isEqualByComparingTo(BigDecimal.valueOf(requests));
        String daily = Access.leader()
                .get("/api/reports/teams/" + team + range + "&format=csv&table=daily")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(ReportsApiTest.sumColumn(daily, "spend_usd", false)).isEqualByComparingTo(usd);
        assertThat(ReportsApiTest.sumColumn(daily, "spend_usd", true)).isEqualByComparingTo(usd);
        assertThat(ReportsApiTest.sumColumn(daily, "unpriced_requests", false))
                .isEqualByComparingTo(BigDecimal.valueOf(unpriced));
        String teams = Access.leader()
                .get("/api/reports/teams" + range + "&format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        String row = java.util.Arrays.stream(teams.split("\r\n"))
                .filter(l -> l.endsWith(team))
                .findFirst()
                .orElseThrow();
        assertThat(ReportsApiTest.column(teams, row, "spend_usd")).isEqualByComparingTo(usd);
        assertThat(ReportsApiTest.column(teams, row, "requests")).isEqualByComparingTo(BigDecimal.valueOf(requests));
    }
}
