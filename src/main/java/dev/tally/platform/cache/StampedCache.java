package dev.tally.platform.cache;

import java.util.Objects;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * A bounded cache whose entries are valid for one stamp: the version of the data a value was built
 * from. {@link #get} hands a value out only when the caller's current stamp equals the entry's, so
 * an entry is never trusted because of how recently it was built, only because the data it came
 * from is provably unchanged. The stamp is whatever identifies that data: the committed
 * {@code rollup_version} read in the caller's own snapshot, or the report a page was rendered from.
 *
 * <p>Eviction is Caffeine's (size-bounded, least-recently/frequently used first), so custom ranges
 * cannot grow it without bound and popular presets stay.
 */
public final class StampedCache<K, V> {

    /** Builds a value when the cache does not hold one for the current stamp. */
    @FunctionalInterface
    public interface Loader<V, X extends Exception> {
        V load() throws X;
    }

    /**
     * Builds the value for the current stamp, given the entry held for an older or other stamp (null,
     * null when there is none): to bring it up to date rather than build it anew.
     */
    @FunctionalInterface
    public interface Updater<V, X extends Exception> {
        V update(V previous, Object previousStamp) throws X;
    }

    private record Entry<V>(Object stamp, V value) {}

    private final Cache<K, Entry<V>> entries;

    public StampedCache(long maxEntries) {
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).build();
    }

    /**
     * The value for {@code key} built under {@code stamp}, or, when there is none, the loaded one,
     * kept under that stamp. Two callers with different stamps may load at the same time; the later
     * {@code put} wins, and a reader whose stamp differs from it loads again: never a wrong value.
     */
    public <X extends Exception> V get(K key, Object stamp, Loader<V, X> loader) throws X {
        Entry<V> e = entries.getIfPresent(key);
        if (e != null && Objects.equals(e.stamp(), stamp)) {
            return e.value();
        }
        V value = loader.load();
        entries.put(key, new Entry<>(stamp, value));
        return value;
    }

    /**
     * As {@link #get}, but when the entry held is for another stamp, {@code updater} is given it to build
     * the value for {@code stamp} from (it must return a new value: the one held may be in use by a reader
     * of the older stamp).
     */
    public <X extends Exception> V update(K key, Object stamp, Updater<V, X> updater) throws X {
        Entry<V> e = entries.getIfPresent(key);
        if (e != null && Objects.equals(e.stamp(), stamp)) {
            return e.value();
        }
        V value = e == null ? updater.update(null, null) : updater.update(e.value(), e.stamp());
        entries.put(key, new Entry<>(stamp, value));
        return value;
    }

    /** How many entries are held (after pending evictions ran): for tests and gauges. */
    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }
}
