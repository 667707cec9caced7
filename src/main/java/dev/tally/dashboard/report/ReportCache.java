package dev.tally.dashboard.report;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.tally.dashboard.roi.RoiModel;

/**
 * Built reports by (team or org, period, ROI model), reused while the change counter (V252) stands
 * still: leaders hit the same presets again and again, and a page, its charts and its CSV links ask
 * for the same report. Exact in the normal case (any write to what a report reads moves the
 * counter, so the next request rebuilds). A counter value becomes visible when the writing
 * statement runs, before its transaction commits; so a report built within {@link #SETTLE_NANOS}
 * of a new value is reused for at most that long, and only a report built after the value settled
 * is reused until the counter moves. A page is therefore never more than that settle time behind
 * a commit, well inside the 5 s freshness budget.
 */
final class ReportCache {

    /** Longer than an aggregator transaction takes from its rollup statements to its commit. */
    static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int MAX_ENTRIES = 512;

    record Key(UUID team, Period period, RoiModel roi) {
    }

    private record Entry(long version, long builtAt, boolean settled, Report report) {
    }

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private long seenVersion = Long.MIN_VALUE;
    private long seenAt;

    /** The cached report if it is still exact for this counter value, else null. */
    Report get(Key key, long version) {
        long now = System.nanoTime();
        observe(version, now);
        Entry e = entries.get(key);
        if (e == null || e.version() != version) {
            return null;
        }
        return e.settled() || now - e.builtAt() < SETTLE_NANOS ? e.report() : null;
    }

    /** Stores a report whose reads started at {@code started} (System.nanoTime) under this counter value. */
    void put(Key key, long version, long started, Report report) {
        boolean settled;
        synchronized (this) {
            settled = version == seenVersion && started - seenAt >= SETTLE_NANOS;
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear(); // custom ranges could otherwise grow it without bound; presets refill at once
        }
        entries.put(key, new Entry(version, started, settled, report));
    }

    private synchronized void observe(long version, long now) {
        if (version != seenVersion) {
            seenVersion = version;
            seenAt = now;
        }
    }
}
