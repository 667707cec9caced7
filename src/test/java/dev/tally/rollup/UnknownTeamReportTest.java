package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.tally.access.Access;
import dev.tally.dashboard.RollupFixture;
import dev.tally.events.Topics;
import dev.tally.events.UsageData;
import dev.tally.platform.TestStack;

/**
 * A producer other than Tally's gateway may name a team that is not (or no longer) in the {@code team}
 * table. Its money is still spent: the org report shows it as an unknown team, so the totals equal the
 * sum of the teams shown and of the days.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class UnknownTeamReportTest {

    @Inject
    Aggregator aggregator;

    @Inject
    DataSource dataSource;

    @Test
    void usageOfATeamNotInTheTeamTableIsInTheOrgTotalsAsAnUnknownTeam() {
        aggregator.start();
        RollupFixture f = new RollupFixture(dataSource);
        UUID known = f.team("Known", "Engineering");
        UUID unknown = UUID.randomUUID();
        // April 2018: a month no other test writes, so the org's figures of the period are this test's alone
        Instant day = Instant.parse("2018-04-10T12:00:00Z");
        try (RollupFixtures fx = new RollupFixtures(dataSource)) {
            for (Object[] call : new Object[][] {{known, 1_000L}, {unknown, 20_000L}}) {
                UsageData d = RollupFixtures.usage(
                        (UUID) call[0], UUID.randomUUID(), "gpt-4o", 10, 5, 0, 0, (Long) call[1], "ok");
                fx.send(
                        Topics.USAGE,
                        RollupFixtures.usageEvent(UUID.randomUUID().toString(), day, d));
            }
            fx.flush();
        }
        String period = "/api/reports/org?from=2018-04-01&to=2018-04-30";
        Awaitility.await()
                .atMost(Duration.ofSeconds(60))
                .until(() -> org(period).getLong("daily.find { it.day == '2018-04-10' }.metrics.requests") == 2);

        JsonPath org = org(period);
        assertThat(org.getLong("daily.find { it.day == '2018-04-10' }.metrics.spend_nanos"))
                .isEqualTo(21_000);
        assertThat(org.getLong("totals.spend_nanos")).isEqualTo(21_000);
        assertThat(org.getLong("totals.requests")).isEqualTo(2);
        assertThat(org.getLong("totals.input_tokens")).isEqualTo(20);
        assertThat(sum(org.getList("teams.metrics.spend_nanos"))).isEqualTo(21_000);
        assertThat(sum(org.getList("departments.metrics.spend_nanos"))).isEqualTo(21_000);
        String row = "teams.find { it.id == '" + unknown + "' }";
        assertThat(org.getString(row + ".name"))
                .isEqualTo("(unknown team " + unknown.toString().substring(0, 8) + ")");
        assertThat(org.getString(row + ".department")).isEqualTo("(unknown)");
        assertThat(org.getLong(row + ".metrics.spend_nanos")).isEqualTo(20_000);
        assertThat(org.getLong(row + ".metrics.requests")).isEqualTo(1);
        assertThat(org.getLong("teams.find { it.id == '" + known + "' }.metrics.spend_nanos"))
                .isEqualTo(1_000);
    }

    private static JsonPath org(String url) {
        return Access.leader().get(url).then().statusCode(200).extract().jsonPath();
    }

    private static long sum(List<Number> values) {
        return values.stream().mapToLong(Number::longValue).sum();
    }
}
