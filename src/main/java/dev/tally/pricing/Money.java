package dev.tally.pricing;

import java.math.BigDecimal;

/** Conversions between published USD prices and integer nano-dollars. */
public final class Money {

    private Money() {}

    /** "$0.075" per MTok → 75 000 000 nano-dollars per MTok; more than 9 decimals cannot be exact. */
    public static long nanos(BigDecimal usd, String field) {
        if (usd == null) {
            throw new IllegalArgumentException(field + ": missing");
        }
        if (usd.signum() < 0) {
            throw new IllegalArgumentException(field + ": must not be negative, got " + usd.toPlainString());
        }
        try {
            return usd.movePointRight(9).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(field + ": " + usd.toPlainString()
                    + " USD has more than 9 decimals (nano-dollar precision) or is too large");
        }
    }

    /** Nano-dollars back to a plain USD string without trailing zeros ("0.075"). */
    public static String usd(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
