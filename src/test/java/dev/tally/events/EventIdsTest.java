package dev.tally.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class EventIdsTest {

    @Test
    void anIdIsAVersion7UuidThatCarriesItsMilliseconds() {
        long millis = 1_796_000_123_456L;
        UUID id = UUID.fromString(EventIds.timeOrdered(millis));
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
    }

    @Test
    void idsOfOneMillisecondDifferAndALaterMillisecondSortsAfter() {
        long millis = 1_796_000_123_456L;
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(EventIds.timeOrdered(millis));
        }
        assertThat(ids).hasSize(10_000);
        String later = EventIds.timeOrdered(millis + 1);
        // the text form sorts like the bytes (lower-case hex, fixed width)
        assertThat(ids).allSatisfy(id -> assertThat(id).isLessThan(later));
    }
}
