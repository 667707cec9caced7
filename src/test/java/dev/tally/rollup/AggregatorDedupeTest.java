package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.CloudEvent;
import dev.tally.events.EventIds;
import dev.tally.events.OutcomeData;
import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TestStack;

@QuarkusTest
@WithTestResource(TestStack.class)
class AggregatorDedupeTest {

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
    }

    @Test
    void anOutcomeWhoseIdRepeatsIsCountedOnce() throws Exception {
        UUID team = UUID.randomUUID();
        Instant at = Instant.parse("2026-11-02T09:30:00Z");
        String prId = "github:pr:acme/app#" + UUID.randomUUID();
        CloudEvent<OutcomeData> pr = RollupFixtures.outcomeEvent(prId, team, OutcomeData.PR_MERGED, true, at);
        fx.send(Topics.OUTCOMES, pr);
        fx.send(Topics.OUTCOMES, pr); // same batch, most likely
        fx.flush();
        // a marker outcome sent after the repeats: once it is counted, the repeats before it were read
        String marker = "marker:" + UUID.randomUUID();
        fx.send(Topics.OUTCOMES, RollupFixtures.outcomeEvent(marker, team, OutcomeData.BUG_CAUGHT, false, at));
        fx.flush();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> fx.scalar("SELECT count(*) FROM outcome WHERE id = ?", marker) == 1);
        // the same id again, later: certainly another batch
        fx.send(Topics.OUTCOMES, pr);
        String marker2 = "marker:" + UUID.randomUUID();
        fx.send(Topics.OUTCOMES, RollupFixtures.outcomeEvent(marker2, team, OutcomeData.BUG_CAUGHT, false, at));
        fx.flush();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> fx.scalar("SELECT count(*) FROM outcome WHERE id = ?", marker2) == 1);

        assertThat(fx.scalar(
                        "SELECT coalesce(sum(outcomes),0) FROM outcome_team_day WHERE team_id = ? AND kind = ?",
                        team,
                        OutcomeData.PR_MERGED))
                .isEqualTo(1);
        assertThat(fx.scalar(
                        "SELECT coalesce(sum(outcomes),0) FROM outcome_team_day WHERE team_id = ? AND kind = ?"
                                + " AND ai_assisted AND day = DATE '2026-11-02'",
                        team,
                        OutcomeData.PR_MERGED))
                .isEqualTo(1);
        assertThat(fx.outcomes(team)).isEqualTo(3);
        assertThat(fx.scalar("SELECT count(*) FROM outcome WHERE team_id = ?", team))
                .isEqualTo(3);
    }

    @Test
    void aReplayedUsageEventIdIsCountedOnce() throws Exception {
        UUID team = UUID.randomUUID();
        UUID employee = UUID.randomUUID();
        Instant t = Instant.parse("2026-11-03T23:59:59.900Z");
        String id = UUID.randomUUID().toString();
        CloudEvent<UsageData> call = RollupFixtures.usageEvent(
                id,
                t,
                RollupFixtures.usage(
                        team, employee, "claude-sonnet-4-5", 100, 50, 10, 5, 7_000L, UsageData.OUTCOME_OK));
        fx.send(Topics.USAGE, call);
        fx.flush();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fx.requests(team) == 1);

        // the spool replays it (same id), then a new call follows
        fx.send(Topics.USAGE, call);
        fx.send(Topics.USAGE, call);
        CloudEvent<UsageData> next = RollupFixtures.usageEvent(
                UUID.randomUUID().toString(),
                t,
                RollupFixtures.usage(team, employee, "claude-sonnet-4-5", 1, 1, 0, 0, 3L, UsageData.OUTCOME_OK));
        fx.send(Topics.USAGE, next);
        fx.flush();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fx.requests(team) >= 2);

        var totals = fx.usageTotals(team);
        assertThat(totals.get("requests")).isEqualTo(2);
        assertThat(totals.get("input_tokens")).isEqualTo(101);
        assertThat(totals.get("cache_read_tokens")).isEqualTo(10);
        assertThat(totals.get("cost_nanos")).isEqualTo(7_003);
        // time T goes to day(T) in UTC and hour(T)
        assertThat(fx.scalar("SELECT count(*) FROM usage_daily WHERE team_id = ? AND day = DATE '2026-11-03'", team))
                .isEqualTo(1);
        assertThat(fx.scalar(
                        "SELECT sum(requests) FROM usage_hourly WHERE team_id = ? AND hour = ?::timestamptz",
                        team,
                        "2026-11-03T23:00:00Z"))
                .isEqualTo(2);
    }

    /**
     * The gateway's ids sort by time, and the claim appends them in that order. Repeats reach the
     * topic late, behind newer calls: direct sends that timed out but landed and were then
     * replayed from the spool, a spool replayed again after a restart, a producer's retry. Each
     * is counted once, also when the replay spells the id in upper case.
     */
    @Test
    void timeOrderedIdsRepeatedLateBehindNewerCallsAreCountedOnce() throws Exception {
        UUID team = UUID.randomUUID();
        UUID employee = UUID.randomUUID();
        Instant t = Instant.parse("2026-11-04T10:00:00Z");
        List<CloudEvent<UsageData>> first = calls(team, employee, t, 0, 50);
        first.forEach(c -> fx.send(Topics.USAGE, c));
        fx.flush();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fx.requests(team) == 50);

        List<CloudEvent<UsageData>> newer = calls(team, employee, t, 50, 10);
        newer.subList(0, 5).forEach(c -> fx.send(Topics.USAGE, c));
        first.subList(0, 10).forEach(c -> fx.send(Topics.USAGE, c));
        CloudEvent<UsageData> upper = first.get(10);
        fx.send(
                Topics.USAGE,
                RollupFixtures.usageEvent(upper.id().toUpperCase(Locale.ROOT), upper.time(), upper.data()));
        newer.subList(5, 9).forEach(c -> fx.send(Topics.USAGE, c));
        fx.send(Topics.USAGE, first.get(49));
        fx.send(Topics.USAGE, newer.get(0));
        // the last record: once the stored offset has passed it, every record before it was applied
        CloudEvent<UsageData> last = newer.get(9);
        RecordMetadata landed = fx.sendSync(Topics.USAGE, last.subject(), RollupFixtures.JSON.writeValueAsBytes(last));
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> fx.scalar(
                                "SELECT coalesce(max(next_offset), -1) FROM consumer_offset"
                                        + " WHERE group_id = 'tally-aggregator' AND topic = ? AND partition = ?",
                                Topics.USAGE,
                                landed.partition())
                        > landed.offset());

        var totals = fx.usageTotals(team);
        assertThat(totals.get("requests")).isEqualTo(60);
        assertThat(totals.get("input_tokens")).isEqualTo(60 * 5);
        assertThat(totals.get("cost_nanos")).isEqualTo(60 * 900);
        assertThat(fx.hourlyTotals(team).get("requests")).isEqualTo(60);
        // the claim keeps the event's UTC day, which the retention deletes by
        assertThat(fx.scalar(
                        "SELECT count(*) FROM usage_event_id WHERE id = ANY (string_to_array(?, ',')::uuid[])"
                                + " AND day = DATE '2026-11-04'",
                        first.stream().map(CloudEvent::id).collect(Collectors.joining(","))))
                .isEqualTo(50);
    }

    /** Calls with the gateway's ids, one millisecond apart from {@code from} ms after {@code t}. */
    private static List<CloudEvent<UsageData>> calls(UUID team, UUID employee, Instant t, int from, int n) {
        List<CloudEvent<UsageData>> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            Instant at = t.plusMillis(i);
            out.add(RollupFixtures.usageEvent(
                    EventIds.timeOrdered(at.toEpochMilli()),
                    at,
                    RollupFixtures.usage(team, employee, "gpt-4o", 5, 2, 0, 0, 900L, UsageData.OUTCOME_OK)));
        }
        return out;
    }

    @Test
    void unpricedCallsAreCountedApartNeverAsZeroCost() throws Exception {
        UUID team = UUID.randomUUID();
        UUID employee = UUID.randomUUID();
        Instant t = Instant.now();
        fx.send(
                Topics.USAGE,
                RollupFixtures.usageEvent(
                        UUID.randomUUID().toString(),
                        t,
                        RollupFixtures.usage(
                                team, employee, "mystery-model", 40, 2, 3, 4, null, UsageData.OUTCOME_OK)));
        fx.send(
                Topics.USAGE,
                RollupFixtures.usageEvent(
                        UUID.randomUUID().toString(),
                        t,
                        RollupFixtures.usage(
                                team, employee, "gpt-4o", 10, 1, 0, 0, 900L, UsageData.OUTCOME_UPSTREAM_ERROR)));
        fx.flush();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> fx.requests(team) == 2);
        var totals = fx.usageTotals(team);
        assertThat(totals.get("unpriced_requests")).isEqualTo(1);
        assertThat(totals.get("unpriced_tokens")).isEqualTo(40 + 2 + 3 + 4);
        assertThat(totals.get("cost_nanos")).isEqualTo(900);
        assertThat(totals.get("error_requests")).isEqualTo(1);
        assertThat(fx.hourlyTotals(team).get("unpriced_requests")).isEqualTo(1);
    }
}
