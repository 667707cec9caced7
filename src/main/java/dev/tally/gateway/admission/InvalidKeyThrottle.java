package dev.tally.gateway.admission;

import java.security.SecureRandom;
import java.util.Arrays;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import dev.tally.gateway.GatewayConfig;
import dev.tally.platform.Ticker;

/**
 * Throttles calls without a valid key per client address: {@code tally.gateway.invalid-key-burst}
 * at once, then {@code tally.gateway.invalid-keys-per-minute}; past that they get 429 with
 * {@code retry-after} instead of 401. Calls with a valid key are never counted or throttled here,
 * so a shared address (an office, a proxy) is not locked out by one misconfigured client.
 *
 * <p>The state is a fixed-size sketch: two rows of {@value #SLOTS} slots, an address hashed (with a
 * per-process seed) to one slot per row, each slot a GCRA "theoretical arrival time". An address is
 * throttled only when both its slots say so, so another address sharing one slot rarely throttles it.
 * Memory is {@code 2 × 4096 × 8} bytes however many addresses send; addresses beyond a few thousand
 * share slots, which can only make an invalid-key caller throttled sooner. IPv6 addresses count by
 * their /64, the block one host gets.
 */
@Singleton
public class InvalidKeyThrottle {

    static final int SLOTS = 4096;
    private static final int ROWS = 2;

    private final long[] arrival = new long[ROWS * SLOTS];
    private final long[] seeds = new long[ROWS];
    private final long interval;
    private final long tolerance;
    private final Ticker ticker;

    @Inject
    public InvalidKeyThrottle(GatewayConfig config, Ticker ticker) {
        this(config.invalidKeyBurst(), config.invalidKeysPerMinute(), ticker);
    }

    InvalidKeyThrottle(int burst, int perMinute, Ticker ticker) {
        this.ticker = ticker;
        this.interval = perMinute <= 0 ? 0 : 60_000_000_000L / perMinute;
        this.tolerance = interval * Math.max(0, burst - 1);
        Arrays.fill(arrival, Long.MIN_VALUE);
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < ROWS; i++) {
            seeds[i] = random.nextLong();
        }
    }

    /**
     * Counts one call without a valid key from {@code address}: 0 when it is let through (then it
     * is answered 401), otherwise the whole seconds until the address may try again.
     */
    public long charge(String address) {
        if (interval == 0) {
            return 0;
        }
        int h = hash(address);
        long now = ticker.nanoTime();
        synchronized (this) {
            long wait = Long.MAX_VALUE;
            for (int row = 0; row < ROWS; row++) {
                long at = Math.max(arrival[slot(h, row)], now);
                wait = Math.min(wait, at - now - tolerance);
            }
            if (wait > 0) {
                return Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
            }
            for (int row = 0; row < ROWS; row++) {
                int s = slot(h, row);
                arrival[s] = Math.max(arrival[s], now) + interval;
            }
            return 0;
        }
    }

    /** How many slots the sketch has: fixed at construction. */
    int slots() {
        return arrival.length;
    }

    private int slot(int h, int row) {
        long x = (h ^ seeds[row]) * 0x9E3779B97F4A7C15L;
        x ^= x >>> 29;
        x *= 0xBF58476D1CE4E5B9L;
        x ^= x >>> 32;
        return row * SLOTS + (int) (x & (SLOTS - 1));
    }

    /** The address's hash; an IPv6 address up to its fourth colon (its /64), without allocating. */
    static int hash(String address) {
        if (address == null) {
            return 0;
        }
        int h = 0;
        int colons = 0;
        for (int i = 0; i < address.length(); i++) {
            char c = address.charAt(i);
            if (c == ':' && ++colons == 4) {
                break;
            }
            h = 31 * h + c;
        }
        return h;
    }
}
