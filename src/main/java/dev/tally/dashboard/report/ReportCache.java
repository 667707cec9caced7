package dev.tally.dashboard.report;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Values computed from the rollups, reused while a change counter stands still. {@link ReportService}
 * keeps two: built reports by (team or org, period, ROI model) under the change counter (V252) —
 * leaders hit the same presets again and again, and a page, its charts and its CSV links ask for
 * the same report — and the sums of the days before yesterday under the history counter (V253).
 * Exact in the normal case (any write to what a value reads moves its counter, so the next request
 * rebuilds). A counter value becomes visible when the writing statement runs, before its
 * transaction commits; so a value built within {@link #SETTLE_NANOS} of a new counter value is
 * reused for at most that long, and only a value built after the counter settled is reused until
 * it moves. A page is therefore never more than that settle time behind a commit, well inside the
 * 5 s freshness budget.
 */
final class ReportCache<K, V> {

    /** Longer than an aggregator transaction takes from its rollup statements to its commit. */
    static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_ENTRIES = 512;

    private record Entry<V>(long version, long builtAt, boolean settled, V value) {
    }

    private final ConcurrentHashMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private long seenVersion = Long.MIN_VALUE;
    private long seenAt;

    /** The cached value if it is still exact for this counter value, else null. */
    V get(K key, long version) {
        long now = System.nanoTime();
        observe(version, now);
        Entry<V> e = entries.get(key);
        if (e == null || e.version() != version) {
            return null;
        }
        return e.settled() || now - e.builtAt() < SETTLE_NANOS ? e.value() : null;
    }

    /** Stores a value whose reads started at {@code started} (System.nanoTime) under this counter value. */
    void put(K key, long version, long started, V value) {
        boolean settled;
        synchronized (this) {
            settled = version == seenVersion && started - seenAt >= SETTLE_NANOS;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear(); // custom ranges could otherwise grow it without bound; presets refill at once
        }
        entries.put(key, new Entry<>(version, started, settled, value));
    }

    private synchronized void observe(long version, long now) {
        if (version != seenVersion) {
            seenVersion = version;
            seenAt = now;
        }
    }
}
