package dev.tally.gateway;

/**
 * Where a call is, from its first header to its usage event. A call only moves along
 *
 * <pre>
 * ADMITTING ─► READING_BODY ─► ADMITTING_BODY ─► WAITING_UPSTREAM ─► RELAYING ─► DONE
 *     └────────────┴──────────────────┴──────────────────┴───────────────────────► DONE
 * </pre>
 *
 * and {@link Call#moveTo} is the only place that moves it. DONE is final: the call has been
 * recorded (at most once), its reservations settled, its watchdog entry dropped. Every event that
 * arrives later (the client closing, the provider's next chunk, a deadline) finds DONE and stops.
 */
public enum CallState {
    /** Pre-body admission: the key, the announced size, the rate limit. */
    ADMITTING(false),
    /** The body is arriving; nothing has been sent anywhere (body deadline). */
    READING_BODY(true),
    /** Post-body admission: the model, its route. */
    ADMITTING_BODY(false),
    /** Sent to the provider; waiting for its response head (first-byte deadline). */
    WAITING_UPSTREAM(true),
    /** The provider's answer is passing through to the client (between-chunks deadline). */
    RELAYING(true),
    /** Answered, refused, failed or cancelled, and recorded. */
    DONE(false);

    /** Whether the event loop's watchdog checks a deadline for calls in this state. */
    final boolean watched;

    CallState(boolean watched) {
        this.watched = watched;
    }

    /** Whether a call may move from this state to {@code next}. */
    boolean canMoveTo(CallState next) {
        return next == DONE ? this != DONE : next.ordinal() == ordinal() + 1;
    }

    /** Whether the provider has been contacted (it may be cancelled, and its usage estimated). */
    boolean upstreamContacted() {
        return this == WAITING_UPSTREAM || this == RELAYING;
    }
}
