package dev.tally.platform.share;

/**
 * This instance's side of one limit shared by every gateway ({@link SharedLimits}): what it has
 * used (not yet counted in the shared base) and what it may use until its next exchange. A call
 * takes its estimate when admitted and corrects it when it ends ({@link #add}); when the base has
 * counted a finished call, its amount is given back here.
 *
 * <p>An enforced counter admits while its use is under its claim (the call that crosses it is
 * admitted: a limit is "reached", not "never touched"), and nothing once its claim has expired: an
 * instance that cannot exchange for longer than half the live timeout stops drawing on a claim the
 * others may already have stopped counting. A counter that is not enforced only counts (its use
 * still tells the others how much is on its way). A few fields under the counter's own monitor:
 * never blocks for longer than an increment.
 */
public final class SharedCounter {

    private final String name;
    private final boolean enforced;
    private long used;
    private long claim;
    private boolean granted;
    private long expiresAt;

    public SharedCounter(String name, boolean enforced) {
        this.name = name;
        this.enforced = enforced;
    }

    /** The counter's name in the shared table: the limit and its window (a budget and its period). */
    public String name() {
        return name;
    }

    public boolean enforced() {
        return enforced;
    }

    /** Takes {@code amount} if the claim has room left (or the counter is not enforced); false takes nothing. */
    public synchronized boolean tryTake(long amount, long nowNanos) {
        if (enforced && (!granted || used >= claim || nowNanos - expiresAt > 0)) {
            return false;
        }
        used += amount;
        return true;
    }

    /** Corrects the use: an estimate replaced by the real amount, or an amount the base now counts (negative). */
    public synchronized void add(long delta) {
        used += delta;
    }

    /**
     * An amount the shared base now counts: it leaves the use and the claim together, so the room
     * left stays as it was until the next exchange computes a claim on the new base. (Taking it out
     * of the use alone would leave that much extra room until then.)
     */
    public synchronized void counted(long amount) {
        used -= amount;
        claim -= amount;
    }

    public synchronized long used() {
        return used;
    }

    public synchronized long claim() {
        return claim;
    }

    /** Whether a call of this size would be refused now (for a status line; admission uses {@link #tryTake}). */
    public synchronized boolean exhausted(long nowNanos) {
        return enforced && (!granted || used >= claim || nowNanos - expiresAt > 0);
    }

    /** Before a new claim is published: never admit beyond the smaller of the old and the new one. */
    synchronized void shrinkTo(long newClaim) {
        if (newClaim < claim) {
            claim = newClaim;
        }
    }

    /** After the new claim is committed (the others count it from now on). */
    synchronized void grant(long newClaim, long expiresAtNanos) {
        claim = newClaim;
        expiresAt = expiresAtNanos;
        granted = true;
    }

    @Override
    public synchronized String toString() {
        return name + "[used=" + used + " claim=" + claim + (enforced ? "" : " counting") + "]";
    }
}
