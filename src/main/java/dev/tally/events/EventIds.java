package dev.tally.events;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Event ids that sort by time: UUID version 7 (RFC 9562), 48 bits of Unix milliseconds, then 74
 * random bits. The aggregator claims every usage id in a B-tree ({@code usage_event_id}); ids that
 * grow with time land on its right edge, a few hot pages, where random (version 4) ids touch a
 * random page of the whole index per insert. Uniqueness is that of the 74 random bits within one
 * millisecond; the time prefix only decides where the id sorts (docs/adr/0017).
 */
public final class EventIds {

    private EventIds() {}

    /** A new version 7 UUID for the given time, in its usual text form. */
    public static String timeOrdered(long unixMillis) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long hi = (unixMillis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(hi, lo).toString();
    }
}
