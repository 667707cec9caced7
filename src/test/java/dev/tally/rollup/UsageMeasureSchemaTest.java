package dev.tally.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.tally.events.CallOutcome;
import dev.tally.events.TokenKind;
import dev.tally.platform.TestStack;

/**
 * The usage measures are defined once ({@link TokenKind}, {@link UsageMeasure}); this is what
 * holds a new token kind to "one enum constant plus the migration": every usage rollup table has
 * exactly one bigint column per measure, and a batch adds up to the same totals in each of them.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class UsageMeasureSchemaTest {

    static final List<String> USAGE_TABLES =
            List.of("usage_daily", "usage_team_day", "usage_team_month", "usage_model_day");

    @Inject
    DataSource dataSource;

    @Inject
    RollupStore store;

    @Test
    void everyUsageRollupTableHasOneColumnPerMeasure() throws Exception {
        List<String> measures =
                UsageMeasure.ALL.stream().map(UsageMeasure::column).sorted().toList();
        for (String table : USAGE_TABLES) {
            List<String> columns = new ArrayList<>();
            try (Connection c = dataSource.getConnection();
                    PreparedStatement ps = c.prepareStatement(
                            "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND data_type = 'bigint'"
                                    + " ORDER BY column_name")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        columns.add(rs.getString(1));
                    }
                }
            }
            assertThat(columns).as(table).isEqualTo(measures);
        }
        assertThat(UsageMeasure.ALL).hasSize(TokenKind.ALL.size() + 5);
    }

    @Test
    void everyTokenKindReachesEveryTableWithTheSameTotals() throws Exception {
        UUID team = UUID.randomUUID();
        RollupBatch batch = new RollupBatch();
        long[] tokens = new long[TokenKind.ALL.size()];
        for (TokenKind k : TokenKind.ALL) {
            tokens[k.ordinal()] = 1L << (3 * k.ordinal()); // a different power of two per kind
        }
        for (int i = 0; i < 3; i++) {
            batch.add(new UsageEvent(
                    UUID.randomUUID().toString(),
                    Instant.parse("2026-06-0" + (i + 1) + "T10:00:00Z"),
                    team,
                    UUID.randomUUID(),
                    UUID.randomUUID(),
                    "openai",
                    "model-" + team,
                    i == 2 ? CallOutcome.UPSTREAM_ERROR : CallOutcome.OK,
                    tokens,
                    i != 1,
                    7));
        }
        batch.consumed(new TopicPartition("schema-test-" + team, 0), 0);
        store.apply("schema-test", batch, Map.of());
        try (RollupFixtures fx = new RollupFixtures(dataSource)) {
            Map<String, Long> daily = fx.usageTotals(team);
            for (TokenKind k : TokenKind.ALL) {
                assertThat(daily.get(k.column())).as(k.column()).isEqualTo(3 * tokens[k.ordinal()]);
            }
            assertThat(daily.get("requests")).isEqualTo(3);
            assertThat(daily.get("error_requests")).isEqualTo(1);
            assertThat(daily.get("cost_nanos")).isEqualTo(14);
            assertThat(daily.get("unpriced_requests")).isEqualTo(1);
            assertThat(fx.usageTotals(team, "usage_team_day")).isEqualTo(daily);
            assertThat(fx.usageTotals(team, "usage_team_month")).isEqualTo(daily);
            Map<String, Long> byModel =
                    fx.sums("SELECT " + UsageMeasure.sums() + " FROM usage_model_day WHERE model = ?", "model-" + team);
            assertThat(byModel).isEqualTo(daily);
        }
    }
}
