package dev.tally.gateway;

import jakarta.inject.Singleton;

import dev.tally.gateway.admission.AdmissionCheck;
import dev.tally.gateway.admission.PendingCall;
import dev.tally.gateway.admission.Refusal;

/**
 * A pre-body admission check that exists only in tests: it throws, as a check with a bug would, for a
 * call with the header {@value #HEADER}, after the key's place among its calls in flight was taken
 * (order 450, after {@code InFlightCheck}). Every other call passes untouched.
 */
@Singleton
public class PreBodyProbeCheck implements AdmissionCheck {

    public static final String HEADER = "x-probe-throws";

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    @Override
    public int order() {
        return 450;
    }

    @Override
    public Refusal check(PendingCall call) {
        if (call.header(HEADER) != null) {
            throw new IllegalStateException(
                    "a check's bug, with the caller's words in its message: " + call.header(HEADER));
        }
        return PASS;
    }
}
