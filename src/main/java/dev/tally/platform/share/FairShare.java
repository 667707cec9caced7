package dev.tally.platform.share;

/**
 * How much of a shared limit one instance may claim at an exchange: its own use, plus its fair part
 * of what nobody has used, never more than what nobody has claimed. Pure arithmetic, saturating:
 * amounts are nano-dollars or counts, far below {@code Long.MAX_VALUE}, but a limit of "no limit"
 * must not wrap.
 *
 * <p>Why claims and not only use: an instance learns what the others used only at their exchange.
 * If each took a share of "limit − what was published", two instances exchanging half a period
 * apart could both spend a share the other had already taken (docs/adr/0011). A claim is a promise
 * the others subtract before their next exchange, so the claims plus the spend already counted
 * never pass the limit; each instance then admits calls only while its own use is under its claim.
 */
public final class FairShare {

    private FairShare() {}

    /**
     * @param limit         the shared limit
     * @param base          what is already counted for everyone (the rolled-up spend)
     * @param ownUsed       this instance's use not in {@code base}
     * @param othersUsed    the other live instances' use not in {@code base}, as they last published it
     * @param othersClaimed the other live instances' claims, as they last published them
     * @param live          live instances, this one included
     * @return this instance's claim: at least {@code ownUsed}
     */
    public static long claim(long limit, long base, long ownUsed, long othersUsed, long othersClaimed, int live) {
        return claim(limit, base, ownUsed, othersUsed, othersClaimed, live, false);
    }

    /**
     * As {@link #claim(long, long, long, long, long, int)}, with the fair part rounded up: for limits
     * counted in whole calls (a key's calls in flight or per minute), where a limit smaller than the
     * number of instances would otherwise give every instance nothing. Still never more than what
     * nobody has claimed, so the invariant holds.
     */
    public static long wholeClaim(long limit, long base, long ownUsed, long othersUsed, long othersClaimed, int live) {
        return claim(limit, base, ownUsed, othersUsed, othersClaimed, live, true);
    }

    private static long claim(
            long limit, long base, long ownUsed, long othersUsed, long othersClaimed, int live, boolean roundUp) {
        long unused = sub(sub(sub(limit, base), othersUsed), ownUsed);
        long unclaimed = sub(sub(sub(limit, base), othersClaimed), ownUsed);
        int n = Math.max(1, live);
        long share = unused <= 0 ? 0 : roundUp ? (unused - 1) / n + 1 : unused / n;
        long extra = Math.max(0, Math.min(share, unclaimed));
        return add(ownUsed, extra);
    }

    static long sub(long a, long b) {
        long r = a - b;
        // overflow only when the signs of a and b differ and the result's sign is not a's
        return ((a ^ b) & (a ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    static long add(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
