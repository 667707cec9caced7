package dev.tally.platform.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class StampedCacheTest {

    final AtomicInteger loads = new AtomicInteger();

    String load(String v) {
        loads.incrementAndGet();
        return v;
    }

    @Test
    void aValueIsReusedWhileItsStampIsTheCurrentOneAndRebuiltWhenItMoves() {
        StampedCache<String, String> cache = new StampedCache<>(10);
        assertThat(cache.get("org", 1L, () -> load("a"))).isEqualTo("a");
        assertThat(cache.get("org", 1L, () -> load("b"))).isEqualTo("a");
        assertThat(loads).hasValue(1);
        // A commit moved the version: the next reader rebuilds at once, however recent the entry is.
        assertThat(cache.get("org", 2L, () -> load("c"))).isEqualTo("c");
        assertThat(cache.get("org", 2L, () -> load("d"))).isEqualTo("c");
        assertThat(loads).hasValue(2);
    }

    @Test
    void aReaderWithAnOlderStampNeverGetsANewerValueNorTheOtherWayRound() {
        StampedCache<String, String> cache = new StampedCache<>(10);
        cache.get("org", 5L, () -> load("v5"));
        // A slow reader whose snapshot is older (stamp 4) builds its own value and replaces the entry...
        assertThat(cache.get("org", 4L, () -> load("v4"))).isEqualTo("v4");
        // ...so a reader at stamp 5 rebuilds rather than take v4.
        assertThat(cache.get("org", 5L, () -> load("v5 again"))).isEqualTo("v5 again");
    }

    @Test
    void stampsAreComparedByValueSoEqualReportsShareAPage() {
        StampedCache<String, String> cache = new StampedCache<>(10);
        record Shown(String report, int dashboard) {}
        cache.get("page", new Shown("r", 1), () -> load("<html>1"));
        assertThat(cache.get("page", new Shown("r", 1), () -> load("<html>2"))).isEqualTo("<html>1");
        assertThat(cache.get("page", new Shown("r", 2), () -> load("<html>3"))).isEqualTo("<html>3");
    }

    @Test
    void anUpdaterIsGivenTheEntryHeldForAnotherStampAndNotCalledForTheCurrentOne() {
        StampedCache<String, String> cache = new StampedCache<>(10);
        assertThat(cache.update("month", 1L, (held, at) -> load(held + "@" + at)))
                .isEqualTo("null@null");
        assertThat(cache.update("month", 1L, (held, at) -> load("again"))).isEqualTo("null@null");
        assertThat(loads).hasValue(1);
        // The version moved: the value held at 1 is handed over to be brought up to date, and kept at 3.
        assertThat(cache.update("month", 3L, (held, at) -> load(held + "+" + at)))
                .isEqualTo("null@null+1");
        assertThat(cache.get("month", 3L, () -> load("rebuilt"))).isEqualTo("null@null+1");
        assertThat(loads).hasValue(2);
    }

    @Test
    void theNumberOfEntriesIsBounded() {
        StampedCache<Integer, String> cache = new StampedCache<>(50);
        for (int i = 0; i < 1_000; i++) {
            int k = i;
            cache.get(k, 1L, () -> "v" + k);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(50);
        assertThat(cache.size()).isPositive();
    }
}
