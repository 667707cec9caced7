package dev.tally.gateway;

import java.util.concurrent.atomic.LongAdder;

import jakarta.inject.Singleton;

/**
 * The gateway's calls from their arrival until they have ended and their usage event is handed to
 * the publisher: what a stopping instance waits for ({@code DrainCheck}). A {@link LongAdder}, so
 * the event loops do not contend for one counter on every call.
 */
@Singleton
public class CallsInFlight {

    private final LongAdder calls = new LongAdder();

    public void started() {
        calls.increment();
    }

    public void ended() {
        calls.decrement();
    }

    public long count() {
        return calls.sum();
    }
}
