package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class AggregatorExactlyOnceTest {

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    RollupFixtures fx;

    @BeforeEach
    void setUp() {
        fx = new RollupFixtures(dataSource);
        aggregator.start();
    }

    @AfterEach
    void tearDown() {
        fx.close();
        aggregator.start(); // leave the app's aggregator running for the next test class
    }

    private int produce(List<UUID> teams, UUID employee, int n, long[] tokensAndCost) {
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            UUID team = teams.get(i % teams.size());
            long in = 10 + i % 7;
            long cost = 1_000 + i % 13;
            tokensAndCost[0] += in;
            tokensAndCost[1] += cost;
            UsageData d = RollupFixtures.usage(team, employee, "gpt-4o-mini", in, 5, 0, 0, cost, UsageData.OUTCOME_OK);
            fx.send(Topics.USAGE, RollupFixtures.usageEvent(UUID.randomUUID().toString(), now, d));
        }
        fx.flush();
        return n;
    }

    private long requests(List<UUID> teams) throws Exception {
        long sum = 0;
        for (UUID t : teams) {
            sum += fx.requests(t);
        }
        return sum;
    }

    @Test
    void totalsEqualTheEventsProducedAcrossAnAggregatorRestartMidStream() throws Exception {
        List<UUID> teams = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        UUID employee = UUID.randomUUID();
        long[] expected = new long[2];
        int produced = produce(teams, employee, 3000, expected);

        // stop while the stream is being aggregated: some, not necessarily all, of it is counted
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> requests(teams) > 0);
        aggregator.stop();
        long atStop = requests(teams);
        produced += produce(teams, employee, 3000, expected);
        assertThat(requests(teams))
                .as("nothing is counted while the aggregator is stopped")
                .isEqualTo(atStop);

        aggregator.start();
        produced += produce(teams, employee, 3000, expected);
        int total = produced;
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> requests(teams) == total);

        long in = 0;
        long cost = 0;
        for (UUID t : teams) {
            in += fx.usageTotals(t).get("input_tokens");
            cost += fx.usageTotals(t).get("cost_nanos");
        }
        assertThat(in).isEqualTo(expected[0]);
        assertThat(cost).isEqualTo(expected[1]);
        long hourly = 0;
        for (UUID t : teams) {
            hourly += fx.hourlyTotals(t).get("requests");
        }
        assertThat(hourly).isEqualTo(total);
    }

    @Test
    void aSecondInstanceJoiningAndLeavingMidStreamNeitherDropsNorDoublesAnEvent() throws Exception {
        List<UUID> teams = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            teams.add(UUID.randomUUID());
        }
        UUID employee = UUID.randomUUID();
        long[] expected = new long[2];
        int produced = produce(teams, employee, 2000, expected);
        RollupConsumer second = aggregator.newConsumer().start();
        try {
            produced += produce(teams, employee, 2000, expected);
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !second.assignment().isEmpty());
            produced += produce(teams, employee, 2000, expected);
        } finally {
            second.close(); // its partitions move back to the app's instance mid-stream
        }
        produced += produce(teams, employee, 2000, expected);
        int total = produced;
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> requests(teams) == total);
        long cost = 0;
        for (UUID t : teams) {
            cost += fx.usageTotals(t).get("cost_nanos");
        }
        assertThat(cost).isEqualTo(expected[1]);
    }

    @Test
    void twoInstancesSplitThePartitionsAndCountEachEventOnce() throws Exception {
        try (RollupConsumer second = aggregator.newConsumer().start()) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !second.assignment().isEmpty()
                            && aggregator.consumers().stream()
                                    .allMatch(c -> !c.assignment().isEmpty()));
            List<org.apache.kafka.common.TopicPartition> all = new ArrayList<>(second.assignment());
            aggregator.consumers().forEach(c -> all.addAll(c.assignment()));
            assertThat(all).as("each partition has exactly one owner").doesNotHaveDuplicates();

            // 40 teams hash over all six usage partitions, so both instances get work
            List<UUID> teams = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                teams.add(UUID.randomUUID());
            }
            long[] expected = new long[2];
            long before = second.counted();
            long appBefore = aggregator.consumers().stream()
                    .mapToLong(RollupConsumer::counted)
                    .sum();
            int produced = produce(teams, UUID.randomUUID(), 4000, expected);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> requests(teams) == produced);
            assertThat(second.counted() - before)
                    .as("the second instance counted its share")
                    .isPositive();
            assertThat(aggregator.consumers().stream()
                                    .mapToLong(RollupConsumer::counted)
                                    .sum()
                            - appBefore)
                    .as("the app's own instance counted its share")
                    .isPositive();
            long cost = 0;
            for (UUID t : teams) {
                cost += fx.usageTotals(t).get("cost_nanos");
            }
            assertThat(cost).isEqualTo(expected[1]);
        }
    }
}
