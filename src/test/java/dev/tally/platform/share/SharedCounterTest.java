package dev.tally.platform.share;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * One instance's counter between exchanges. A finished call the shared base has just counted leaves
 * the counter before the next exchange sets a claim on the new base: the room left must not grow in
 * between, or calls are admitted beyond the limit for that moment (a budget's refresh window).
 */
class SharedCounterTest {

    static final long FAR = Long.MAX_VALUE / 2;

    @Test
    void anAmountTheBaseCountedLeavesTheRoomAsItWas() {
        SharedCounter c = new SharedCounter("budget/2026-12-01/block", true);
        c.grant(1_000, FAR);
        assertThat(c.tryTake(600, 0)).isTrue();
        assertThat(c.tryTake(500, 0))
                .as("the call that crosses the claim is admitted")
                .isTrue();
        assertThat(c.tryTake(1, 0)).as("claim reached").isFalse();

        c.counted(600); // the first call is now in the base the next exchange reads

        assertThat(c.used()).isEqualTo(500);
        assertThat(c.claim()).isEqualTo(400);
        assertThat(c.tryTake(1, 0)).as("still no room until the next exchange").isFalse();
    }

    @Test
    void aCorrectionMovesTheUseOnly() {
        SharedCounter c = new SharedCounter("budget/2026-12-01/block", true);
        c.grant(1_000, FAR);
        assertThat(c.tryTake(900, 0)).isTrue();
        c.add(-800); // the call's estimate was 900, it cost 100
        assertThat(c.used()).isEqualTo(100);
        assertThat(c.claim()).isEqualTo(1_000);
        assertThat(c.tryTake(850, 0)).isTrue();
    }
}
