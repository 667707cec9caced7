package dev.tally.platform.share;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The claim arithmetic, with whole shares as a key's limits use and plain ones as budgets do. */
class FairShareTest {

    @Test
    void aClaimIsOwnUsePlusAFairPartOfWhatNobodyUsedNeverMoreThanWhatNobodyClaimed() {
        // 100 in all, 10 used here, 30 used and 50 claimed by one other: 60 unused, half is 30, but only 40 unclaimed
        assertThat(FairShare.claim(100, 0, 10, 30, 50, 2)).isEqualTo(10 + 30);
        assertThat(FairShare.claim(100, 0, 10, 30, 80, 2)).isEqualTo(10 + 10);
        assertThat(FairShare.claim(100, 95, 10, 0, 0, 2)).isEqualTo(10); // the base is past the limit: own use only
    }

    @Test
    void wholeSharesRoundUpSoALimitSmallerThanTheGatewaysStillAdmitsSomewhere() {
        assertThat(FairShare.claim(1, 0, 0, 0, 0, 2)).isZero();
        assertThat(FairShare.wholeClaim(1, 0, 0, 0, 0, 2)).isEqualTo(1);
        // the other gateway, after the first claimed the one unit: nothing is left unclaimed
        assertThat(FairShare.wholeClaim(1, 0, 0, 0, 1, 2)).isZero();
        assertThat(FairShare.wholeClaim(5, 0, 1, 0, 0, 2)).isEqualTo(1 + 2);
    }

    @Test
    void noLimitDoesNotWrap() {
        assertThat(FairShare.wholeClaim(Long.MAX_VALUE, 0, 5, Long.MAX_VALUE, Long.MAX_VALUE, 3))
                .isEqualTo(5);
        assertThat(FairShare.claim(Long.MAX_VALUE, -10, 0, 0, 0, 1)).isEqualTo(Long.MAX_VALUE);
    }
}
