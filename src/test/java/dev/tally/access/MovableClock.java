package dev.tally.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The application's {@link Clock} in tests: the real time plus an offset a test moves (token
 * expiry, sign-in lockouts) instead of waiting. A test that moves it puts it back in a finally.
 */
@Alternative
@Priority(1)
@Singleton
public class MovableClock extends Clock {

    private final AtomicLong offsetMillis = new AtomicLong();

    public void advance(Duration d) {
        offsetMillis.addAndGet(d.toMillis());
    }

    public void reset() {
        offsetMillis.set(0);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the app's clock is UTC");
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis.get();
    }
}
