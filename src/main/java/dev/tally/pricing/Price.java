package dev.tally.pricing;

import java.math.BigInteger;

/**
 * List prices of one model in nano-dollars per million tokens (USD × 10^9 per MTok), so that every
 * published price, down to $0.005 / MTok, is a whole number and a call's cost is exact.
 * {@code cacheWrite} is the default (Anthropic: 5-minute) cache write; {@code cacheWrite1h} the
 * 1-hour one. {@code longContext} is the tier that applies to every token of a request whose prompt
 * (input + cache read + cache write) is above its threshold; null when the model has none.
 */
public record Price(Rates rates, LongContext longContext, String date, String source, boolean overridden) {

    /**
     * The highest price a rate may have, USD per million tokens: one dollar a token, over 5,000 times the
     * dearest list price. With every priced kind (input, output, cache read, cache write) at its cap
     * ({@code UsageParser.MAX_TOKENS}, a billion tokens) a call costs 4 × 10^18 nano-dollars, which a long
     * holds (9.2 × 10^18). Above it a call's cost could overflow: the gateway could not record the call.
     */
    public static final long MAX_USD_PER_MTOK = 1_000_000L;

    /** One set of rates, nano-dollars per million tokens. */
    public record Rates(long input, long output, long cacheRead, long cacheWrite, long cacheWrite1h) {}

    /** Applies when the prompt has more than {@code thresholdTokens} tokens. */
    public record LongContext(long thresholdTokens, Rates rates) {}

    /**
     * Cost of one call in nano-dollars, rounded half up once at the end (all current list prices
     * give whole nano-dollars per token, so the rounding never moves a cent of a real invoice).
     * {@code cacheWrite} includes {@code cacheWrite1h}; {@code output} includes reasoning tokens.
     */
    public long cost(long input, long output, long cacheRead, long cacheWrite, long cacheWrite1h) {
        Rates r = rates;
        if (longContext != null && input + cacheRead + cacheWrite > longContext.thresholdTokens()) {
            r = longContext.rates();
        }
        long cw1h = Math.min(cacheWrite1h, cacheWrite);
        try {
            long sum = Math.addExact(
                    Math.addExact(Math.multiplyExact(input, r.input()), Math.multiplyExact(output, r.output())),
                    Math.addExact(
                            Math.multiplyExact(cacheRead, r.cacheRead()),
                            Math.addExact(
                                    Math.multiplyExact(cacheWrite - cw1h, r.cacheWrite()),
                                    Math.multiplyExact(cw1h, r.cacheWrite1h()))));
            return Math.addExact(sum, 500_000L) / 1_000_000L;
        } catch (ArithmeticException overflow) {
            // only for absurd token counts; exact all the same
            BigInteger sum = big(input, r.input())
                    .add(big(output, r.output()))
                    .add(big(cacheRead, r.cacheRead()))
                    .add(big(cacheWrite - cw1h, r.cacheWrite()))
                    .add(big(cw1h, r.cacheWrite1h()));
            return sum.add(BigInteger.valueOf(500_000L))
                    .divide(BigInteger.valueOf(1_000_000L))
                    .longValueExact();
        }
    }

    private static BigInteger big(long a, long b) {
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
    }
}
