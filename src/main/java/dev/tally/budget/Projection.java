package dev.tally.budget;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;

/**
 * The period's spend at the run rate so far: spent × period length ÷ elapsed. Only once at least
 * {@code minElapsedPercent} of the period has gone by (before that, one busy morning would project a
 * month's overrun) and something was spent. Integer arithmetic on nano-dollars and milliseconds.
 */
public record Projection(long projectedNanos, Instant exhaustedAt) {

    /** Null when too little of the period has elapsed or nothing was spent. */
    public static Projection of(
            long spent, long amount, Instant start, Instant end, Instant now, int minElapsedPercent) {
        long total = Duration.between(start, end).toMillis();
        long elapsed = Duration.between(start, now).toMillis();
        if (spent <= 0 || total <= 0 || elapsed <= 0 || elapsed * 100 < total * (long) minElapsedPercent) {
            return null;
        }
        elapsed = Math.min(elapsed, total);
        BigInteger projected =
                BigInteger.valueOf(spent).multiply(BigInteger.valueOf(total)).divide(BigInteger.valueOf(elapsed));
        Instant exhausted = null;
        if (projected.compareTo(BigInteger.valueOf(amount)) > 0) {
            // spent reaches amount after amount / (spent / elapsed) ms
            long at = BigInteger.valueOf(amount)
                    .multiply(BigInteger.valueOf(elapsed))
                    .divide(BigInteger.valueOf(spent))
                    .longValueExact();
            exhausted = start.plusMillis(at);
        }
        return new Projection(projected.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact(), exhausted);
    }
}
