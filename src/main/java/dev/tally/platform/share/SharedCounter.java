package dev.tally.platform.share;

import java.util.function.LongSupplier;

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
 *
 * <p>A <em>gauge</em> counter ({@link #gauge}) does not count: its use is read from where the calls
 * are already counted (a key's requests this minute, its calls in flight), which can go down as
 * well as up. The owner admits against {@link #allowance} under the same lock its count is kept
 * under, so a claim shrunk by an exchange is seen by every call counted after the exchange read the
 * use; its shares are whole ({@link FairShare#wholeClaim}).
 */
public final class SharedCounter {

    private final String name;
    private final boolean enforced;
    /** Where a gauge counter's use is read; null for a counter that counts itself. */
    private final LongSupplier gauge;

    private long used;
    private long claim;
    private boolean granted;
    private long expiresAt;

    public SharedCounter(String name, boolean enforced) {
        this(name, enforced, null);
    }

    private SharedCounter(String name, boolean enforced, LongSupplier gauge) {
        this.name = name;
        this.enforced = enforced;
        this.gauge = gauge;
    }

    /**
     * An enforced counter whose use is {@code used}, read at each exchange; {@code used} must not
     * wait on this counter (it is read without the counter's lock).
     */
    public static SharedCounter gauge(String name, LongSupplier used) {
        return new SharedCounter(name, true, used);
    }

    /** Whether shares are rounded up to whole units (gauge counters count calls). */
    boolean whole() {
        return gauge != null;
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
        countsItself();
        if (enforced && (!granted || used >= claim || nowNanos - expiresAt > 0)) {
            return false;
        }
        used += amount;
        return true;
    }

    /** Corrects the use: an estimate replaced by the real amount, or an amount the base now counts (negative). */
    public synchronized void add(long delta) {
        countsItself();
        used += delta;
    }

    /**
     * An amount the shared base now counts: it leaves the use and the claim together, so the room
     * left stays as it was until the next exchange computes a claim on the new base. (Taking it out
     * of the use alone would leave that much extra room until then.)
     */
    public synchronized void counted(long amount) {
        countsItself();
        used -= amount;
        claim -= amount;
    }

    public long used() {
        if (gauge != null) {
            return gauge.getAsLong();
        }
        synchronized (this) {
            return used;
        }
    }

    /**
     * What this instance may use now: its claim, or -1 before the first exchange that included the
     * counter and once that claim has expired (the owner decides what that means for it).
     */
    public synchronized long allowance(long nowNanos) {
        return granted && nowNanos - expiresAt <= 0 ? claim : -1;
    }

    public synchronized long claim() {
        return claim;
    }

    /** Whether a call of this size would be refused now (for a status line; admission uses {@link #tryTake}). */
    public synchronized boolean exhausted(long nowNanos) {
        countsItself();
        return enforced && (!granted || used >= claim || nowNanos - expiresAt > 0);
    }

    private void countsItself() {
        if (gauge != null) {
            throw new IllegalStateException(name + " is a gauge: its use is counted where it is read from");
        }
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
    public String toString() {
        long u = used();
        synchronized (this) {
            return name + "[used=" + u + " claim=" + claim + (enforced ? "" : " counting") + "]";
        }
    }
}
