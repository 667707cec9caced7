package dev.tally.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import dev.tally.workload.ModelTiers.RunModel;
import dev.tally.workload.WorkloadReport.Tiers;

/** The tier rules of docs/workloads.md ("Model tiers and escalations"), one by one. */
class ModelTiersTest {

    /** List input + output per million tokens, as {@link ModelTiers#rank} gives them; "local" is unpriced. */
    static final Map<String, Long> PRICES = Map.of("haiku", 6L, "haiku-b", 6L, "sonnet", 18L, "opus", 90L);

    static final Function<String, Long> RANK = PRICES::get;
    static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theCheapestAndTheDearestPriceLevelsShareThePricedSpend() {
        Tiers t = ModelTiers.of(
                Map.of("haiku", 100L, "haiku-b", 100L, "sonnet", 300L, "opus", 500L, "local", 0L), 1000, RANK, 1, 4);
        assertThat(t.cheapestModels()).containsExactly("haiku", "haiku-b");
        assertThat(t.cheapestSpendShare()).isEqualByComparingTo(new BigDecimal("0.2"));
        assertThat(t.dearestModels()).containsExactly("opus");
        assertThat(t.dearestSpendShare()).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(t.escalatedRuns()).isEqualTo(1);
        assertThat(t.escalatedCalls()).isEqualTo(4);
    }

    @Test
    void onePriceLevelHasNothingToCompare() {
        Tiers t = ModelTiers.of(Map.of("haiku", 100L, "haiku-b", 50L, "local", 0L), 150, RANK, 0, 0);
        assertThat(t.cheapestModels()).isEmpty();
        assertThat(t.cheapestSpendShare()).isNull();
        assertThat(t.dearestSpendShare()).isNull();
    }

    @Test
    void aRunEscalatesWhenItCallsAModelDearerThanItsFirst() {
        assertThat(ModelTiers.escalatedCalls(
                        List.of(
                                new RunModel("haiku", 5, T),
                                new RunModel("opus", 2, T.plusSeconds(9)),
                                new RunModel("sonnet", 3, T.plusSeconds(4))),
                        RANK))
                .isEqualTo(5);
        // started on the dear model and stepped down: no escalation
        assertThat(ModelTiers.escalatedCalls(
                        List.of(new RunModel("opus", 1, T), new RunModel("haiku", 9, T.plusSeconds(1))), RANK))
                .isZero();
        // both first in the same instant: the cheaper one is taken as the start
        assertThat(ModelTiers.escalatedCalls(List.of(new RunModel("opus", 1, T), new RunModel("haiku", 1, T)), RANK))
                .isEqualTo(1);
        // an unpriced first model: nothing can be called dearer than it
        assertThat(ModelTiers.escalatedCalls(
                        List.of(new RunModel("local", 1, T), new RunModel("opus", 3, T.plusSeconds(1))), RANK))
                .isZero();
        assertThat(ModelTiers.escalatedCalls(List.of(), RANK)).isZero();
    }
}
