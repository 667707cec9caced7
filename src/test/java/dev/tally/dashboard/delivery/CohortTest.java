package dev.tally.dashboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** Cohorts at their cut-offs (default 1, 50 and 250 gateway calls a week), over periods that are not whole weeks. */
class CohortTest {

    static final DeliveryConfig DEFAULTS = config(10, 1, 50, 250);

    @Test
    void aPersonExactlyOnACutOffIsInTheHigherCohort() {
        // 7 days: calls are calls per week
        assertThat(Cohort.of(0, 7, DEFAULTS)).isEqualTo(Cohort.NONE);
        assertThat(Cohort.of(1, 7, DEFAULTS)).isEqualTo(Cohort.LIGHT);
        assertThat(Cohort.of(49, 7, DEFAULTS)).isEqualTo(Cohort.LIGHT);
        assertThat(Cohort.of(50, 7, DEFAULTS)).isEqualTo(Cohort.MODERATE);
        assertThat(Cohort.of(249, 7, DEFAULTS)).isEqualTo(Cohort.MODERATE);
        assertThat(Cohort.of(250, 7, DEFAULTS)).isEqualTo(Cohort.HEAVY);
    }

    @Test
    void callsAreScaledToAWeekWithoutRounding() {
        // 30 days: moderate from 50 × 30 / 7 = 214.28… calls, heavy from 1071.43…
        assertThat(Cohort.of(214, 30, DEFAULTS)).isEqualTo(Cohort.LIGHT);
        assertThat(Cohort.of(215, 30, DEFAULTS)).isEqualTo(Cohort.MODERATE);
        assertThat(Cohort.of(1071, 30, DEFAULTS)).isEqualTo(Cohort.MODERATE);
        assertThat(Cohort.of(1072, 30, DEFAULTS)).isEqualTo(Cohort.HEAVY);
        // a call a week on average is light use: 13 calls in 90 days are, 12 are not
        assertThat(Cohort.of(12, 90, DEFAULTS)).isEqualTo(Cohort.NONE);
        assertThat(Cohort.of(13, 90, DEFAULTS)).isEqualTo(Cohort.LIGHT);
        // with light from 5 a week, 4 calls in 7 days are none
        assertThat(Cohort.of(4, 7, config(10, 5, 50, 250))).isEqualTo(Cohort.NONE);
        assertThat(Cohort.of(5, 7, config(10, 5, 50, 250))).isEqualTo(Cohort.LIGHT);
    }

    @Test
    void cohortRowsCountEachAuthorOnceWithTheirMedianThroughput() {
        UUID heavy = UUID.randomUUID();
        UUID none = UUID.randomUUID();
        List<PrRecord> prs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            prs.add(pr(heavy, i < 2));
        }
        prs.add(pr(none, false));
        prs.add(pr(null, false));
        Map<UUID, Long> calls = new HashMap<>(Map.of(heavy, 250L));
        List<CohortRow> rows = Cohorts.rows(prs, calls, 7, config(1, 1, 50, 250));
        assertThat(rows)
                .extracting(CohortRow::cohort)
                .containsExactly(Cohort.NONE, Cohort.LIGHT, Cohort.MODERATE, Cohort.HEAVY);
        assertThat(rows.get(3).engineers()).isEqualTo(1);
        assertThat(rows.get(3).prs()).isEqualTo(3);
        assertThat(rows.get(3).prsAi()).isEqualTo(2);
        assertThat(rows.get(3).prsPerEngineerWeek().value()).isEqualTo(3.0);
        assertThat(rows.get(0).engineers()).isEqualTo(1);
        assertThat(rows.get(0).prsPerEngineerWeek().value()).isEqualTo(1.0);
        assertThat(rows.get(1).engineers()).isZero();
        assertThat(rows.get(1).prsPerEngineerWeek().value()).isNull();
        assertThat(rows.get(3).range()).isEqualTo("250+ calls a week");
        assertThat(rows.get(1).range()).isEqualTo("1–49 calls a week");
        assertThat(rows.get(0).range()).isEqualTo("under 1 call a week");
    }

    @Test
    void cutOffsThatDoNotRiseStopTheStart() {
        assertThatThrownBy(() -> DeliveryService.check(config(10, 1, 50, 50)))
                .hasMessageContaining("cohort cut-offs must rise");
        assertThatThrownBy(() -> DeliveryService.check(config(1, 1, 50, 250))).hasMessageContaining("min-sample");
    }

    static PrRecord pr(UUID author, boolean ai) {
        Instant merged = Instant.parse("2026-03-02T12:00:00Z");
        return new PrRecord(
                UUID.randomUUID().toString(),
                "acme/x",
                1,
                "t",
                UUID.randomUUID(),
                author,
                "login",
                ai,
                merged.minusSeconds(3600),
                null,
                merged,
                1,
                1,
                1,
                0,
                null,
                false,
                false);
    }

    static DeliveryConfig config(int minSample, int light, int moderate, int heavy) {
        return new DeliveryConfig() {
            @Override
            public List<String> hotfixLabels() {
                return List.of("hotfix");
            }

            @Override
            public int minSample() {
                return minSample;
            }

            @Override
            public int lightFromCallsPerWeek() {
                return light;
            }

            @Override
            public int moderateFromCallsPerWeek() {
                return moderate;
            }

            @Override
            public int heavyFromCallsPerWeek() {
                return heavy;
            }

            @Override
            public int trendWeeks() {
                return 12;
            }
        };
    }
}
