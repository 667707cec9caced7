package dev.tally.gateway.admission;

import dev.tally.events.CallOutcome;
import dev.tally.gateway.Usage;

/**
 * Something admission took for a call that is settled when the call ends: tokens counted against a
 * rate limit, later a budget's estimated cost or a slot among the calls in flight. {@link #settle}
 * is called exactly once per reservation, however the call ends (answered, failed, cancelled or
 * refused by a later check), on the call's event loop, after its final usage is known.
 */
@FunctionalInterface
public interface Reservation {

    /** The call is over; {@code usage} holds what it consumed (zero for a refused call). */
    void settle(Usage usage, CallOutcome outcome);
}
