package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-address throttle of calls without a valid key, on a ticker the test moves. */
class InvalidKeyThrottleTest {

    static final long SECOND = 1_000_000_000L;

    long now = -5_000 * SECOND; // a monotonic clock may well be negative
    final InvalidKeyThrottle throttle = new InvalidKeyThrottle(20, 10, () -> now);

    @Test
    void anAddressHasItsBurstThenOneCallEverySixSeconds() {
        for (int i = 0; i < 20; i++) {
            assertThat(throttle.charge("198.51.100.7")).as("call %d", i).isZero();
        }
        assertThat(throttle.charge("198.51.100.7")).isEqualTo(6);
        now += 5 * SECOND;
        assertThat(throttle.charge("198.51.100.7")).isEqualTo(1);
        now += SECOND;
        assertThat(throttle.charge("198.51.100.7")).isZero();
        assertThat(throttle.charge("198.51.100.7")).isEqualTo(6);
    }

    @Test
    void otherAddressesAreNotThrottledByOnesStorm() {
        for (int i = 0; i < 100; i++) {
            throttle.charge("203.0.113.66");
        }
        assertThat(throttle.charge("203.0.113.66")).isPositive();
        int throttled = 0;
        for (int i = 0; i < 1_000; i++) {
            throttled += throttle.charge("10.1." + (i / 250) + "." + (i % 250)) > 0 ? 1 : 0;
        }
        assertThat(throttled).isZero();
    }

    @Test
    void aStormFromAMillionAddressesHoldsNoMoreStateAndPassesWithinTwoMinutes() {
        for (int i = 0; i < 1_000_000; i++) {
            throttle.charge("100." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        }
        assertThat(throttle.slots()).isEqualTo(2 * InvalidKeyThrottle.SLOTS);
        // every slot is full now: a newcomer without a valid key is throttled too (a valid key never is)
        assertThat(throttle.charge("198.51.100.9")).isPositive();
        now += 120 * SECOND; // a slot never runs more than a burst (20 × 6 s) ahead
        assertThat(throttle.charge("198.51.100.9")).isZero();
    }

    @Test
    void anIpv6HostCountsByItsSlash64() {
        for (int i = 0; i < 20; i++) {
            assertThat(throttle.charge("2001:db8:1:2:0:0:0:" + Integer.toHexString(i + 1)))
                    .isZero();
        }
        assertThat(throttle.charge("2001:db8:1:2:ffff:0:0:1")).isPositive();
        assertThat(InvalidKeyThrottle.hash("2001:db8:1:2:0:0:0:1"))
                .isEqualTo(InvalidKeyThrottle.hash("2001:db8:1:2:a:b:c:d"));
        assertThat(InvalidKeyThrottle.hash("2001:db8:1:3:0:0:0:1"))
                .isNotEqualTo(InvalidKeyThrottle.hash("2001:db8:1:2:0:0:0:1"));
    }

    @Test
    void zeroPerMinuteTurnsTheThrottleOff() {
        InvalidKeyThrottle off = new InvalidKeyThrottle(20, 0, () -> now);
        for (int i = 0; i < 1_000; i++) {
            assertThat(off.charge("198.51.100.7")).isZero();
        }
    }
}
