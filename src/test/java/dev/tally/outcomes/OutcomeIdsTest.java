package dev.tally.outcomes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeIdsTest {

    @Test
    void shortIdsAreKeptAndLongOnesAreShortenedStablyAndDistinctly() {
        assertThat(OutcomeIds.bounded("github:pr:acme/api#12")).isEqualTo("github:pr:acme/api#12");
        String a = "sarif:Tool:acme/repo:rule:" + "x".repeat(300);
        String b = "sarif:Tool:acme/repo:rule:" + "x".repeat(299) + "y";
        assertThat(OutcomeIds.bounded(a))
                .hasSizeLessThanOrEqualTo(OutcomeIds.MAX_ID)
                .startsWith("sarif:Tool:acme/repo:rule:")
                .isEqualTo(OutcomeIds.bounded(a))
                .isNotEqualTo(OutcomeIds.bounded(b));
    }

    @Test
    void kindsAreTheBuiltInOnesOrCustomNames() {
        assertThat(OutcomeIds.validKind("task_automated")).isTrue();
        assertThat(OutcomeIds.validKind("custom_hours_saved")).isTrue();
        assertThat(OutcomeIds.validKind("hours_saved")).isFalse();
        assertThat(OutcomeIds.validKind("custom_")).isFalse();
        assertThat(OutcomeIds.validKind("Custom_X")).isFalse();
    }
}
