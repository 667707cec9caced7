package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TestStack;

/** Events produced = rollup totals, column by column, per team, at both grains. */
@QuarkusTest
@WithTestResource(TestStack.class)
class ReconciliationTest {

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    long refusals(UUID team) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT coalesce(sum(requests), 0) FROM refusal_team_day WHERE team_id = ?")) {
            ps.setObject(1, team);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void rollupTotalsEqualTheSumsOfTheEventsProduced() throws Exception {
        aggregator.start();
        List<UUID> teams = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        List<String> models = List.of("gpt-4o-mini", "claude-sonnet-4-5", "unpriced-model");
        String[] outcomes = {
            UsageData.OUTCOME_OK,
            UsageData.OUTCOME_OK,
            UsageData.OUTCOME_UPSTREAM_ERROR,
            UsageData.OUTCOME_CLIENT_CANCELLED,
            UsageData.OUTCOME_REJECTED
        };
        Map<UUID, Map<String, Long>> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(7);
        Instant base = Instant.now().minus(Duration.ofDays(2));
        int n = 2500;
        Map<UUID, Long> refused = new HashMap<>();
        int usage = 0;
        try (RollupFixtures fx = new RollupFixtures(dataSource)) {
            for (int i = 0; i < n; i++) {
                UUID team = teams.get(random.nextInt(teams.size()));
                UUID employee = new UUID(team.getMostSignificantBits(), random.nextInt(5));
                String model = models.get(random.nextInt(models.size()));
                boolean priced = !model.startsWith("unpriced");
                long in = random.nextInt(5000);
                long out = random.nextInt(2000);
                long cr = random.nextInt(3) == 0 ? random.nextInt(10_000) : 0;
                long cw = random.nextInt(5) == 0 ? random.nextInt(3_000) : 0;
                long reasoning = random.nextInt(4) == 0 ? random.nextInt(500) : 0;
                Long cost = priced ? in * 150 + out * 600 + cr * 15 + cw * 190 : null;
                String outcome = outcomes[random.nextInt(outcomes.length)];
                Instant time = base.plusSeconds(random.nextInt(2 * 24 * 3600));
                if (outcome.equals(UsageData.OUTCOME_REJECTED)) {
                    // a refused call is no usage: it is counted apart, by reason, in refusal_team_day
                    refused.merge(team, 1L, Long::sum);
                    UsageData d = new UsageData(
                            UUID.randomUUID().toString(),
                            UUID.nameUUIDFromBytes(employee.toString().getBytes())
                                    .toString(),
                            employee.toString(),
                            team.toString(),
                            null,
                            model,
                            "chat.completions",
                            false,
                            401,
                            outcome,
                            0,
                            0,
                            0,
                            0,
                            0,
                            null,
                            false,
                            false,
                            1,
                            null,
                            null,
                            "revoked",
                            null,
                            null,
                            null);
                    fx.send(
                            Topics.USAGE,
                            RollupFixtures.usageEvent(UUID.randomUUID().toString(), time, d));
                    continue;
                }
                usage++;
                Map<String, Long> e = expected.computeIfAbsent(team, t -> new HashMap<>());
                e.merge("requests", 1L, Long::sum);
                e.merge("error_requests", outcome.equals(UsageData.OUTCOME_UPSTREAM_ERROR) ? 1L : 0L, Long::sum);
                e.merge("input_tokens", in, Long::sum);
                e.merge("output_tokens", out, Long::sum);
                e.merge("cache_read_tokens", cr, Long::sum);
                e.merge("cache_write_tokens", cw, Long::sum);
                e.merge("reasoning_tokens", reasoning, Long::sum);
                e.merge("cost_nanos", priced ? cost : 0L, Long::sum);
                e.merge("unpriced_requests", priced ? 0L : 1L, Long::sum);
                e.merge("unpriced_tokens", priced ? 0L : in + out + cr + cw, Long::sum);
                UsageData d = new UsageData(
                        UUID.randomUUID().toString(),
                        UUID.nameUUIDFromBytes(employee.toString().getBytes()).toString(),
                        employee.toString(),
                        team.toString(),
                        model.startsWith("claude") ? "anthropic" : "openai",
                        model,
                        "chat.completions",
                        false,
                        200,
                        outcome,
                        in,
                        out,
                        cr,
                        cw,
                        reasoning,
                        cost,
                        priced,
                        false,
                        10,
                        null,
                        null);
                fx.send(
                        Topics.USAGE,
                        RollupFixtures.usageEvent(UUID.randomUUID().toString(), time, d));
            }
            fx.flush();
            long total = usage;
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                long sum = 0;
                for (UUID t : teams) {
                    sum += fx.requests(t);
                }
                return sum == total;
            });
            for (UUID t : teams) {
                assertThat(fx.usageTotals(t)).as("usage_daily of team %s", t).isEqualTo(expected.get(t));
                // The coarser tables the pages read, written in the same transactions: the same totals.
                assertThat(fx.usageTotals(t, "usage_team_day"))
                        .as("usage_team_day of %s", t)
                        .isEqualTo(expected.get(t));
                assertThat(fx.usageTotals(t, "usage_team_month"))
                        .as("usage_team_month of %s", t)
                        .isEqualTo(expected.get(t));
                Map<String, Long> hourly = fx.hourlyTotals(t);
                assertThat(hourly.get("requests")).isEqualTo(expected.get(t).get("requests"));
                assertThat(hourly.get("cost_nanos")).isEqualTo(expected.get(t).get("cost_nanos"));
                assertThat(hourly.get("unpriced_requests"))
                        .isEqualTo(expected.get(t).get("unpriced_requests"));
                assertThat(refusals(t)).as("refusal_team_day of %s", t).isEqualTo(refused.getOrDefault(t, 0L));
            }
        }
    }
}
