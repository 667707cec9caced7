package dev.tally.gateway.admission;

import dev.tally.gateway.Api;

/**
 * One reason a call may be refused. Every {@code @Singleton} bean implementing this is picked up
 * by {@link Admission} and run, in {@link #order()} within its {@link #phase()}, until one refuses.
 * A check runs on the event loop for every call: it must not block (keep what it needs in memory)
 * and should not allocate when it admits.
 */
public interface AdmissionCheck {

    /** Returned by a check that lets the call through (no allocation on the common path). */
    Refusal PASS = null;

    enum Phase {
        /** Headers only: runs before the body is read and before any provider is contacted. */
        PRE_BODY,
        /**
         * The body has been read and parsed: the model, sizes and {@code max_tokens} are known (the
         * model is null for a call on a stored response or a conversation, which has none: {@link Api#storedObject}).
         */
        POST_BODY
    }

    Phase phase();

    /**
     * Position within the phase, lowest first. Built in: pre-body key 100, body size 200, rate
     * limit 300; post-body model allow-list 100, route 1000 (checks that rewrite the model run
     * before the route).
     */
    int order();

    /** Whether the check applies to calls to {@code api}; by default every model call, not the model list. */
    default boolean appliesTo(Api api) {
        return api != Api.MODELS;
    }

    /** {@link #PASS}, or why the call is refused. */
    Refusal check(PendingCall call);
}
