package dev.tally.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class CallStateTest {

    @Test
    void aCallMovesOneStageForwardAtATimeOrStraightToDone() {
        assertThat(allowedFrom(CallState.ADMITTING)).containsExactlyInAnyOrder(CallState.READING_BODY, CallState.DONE);
        assertThat(allowedFrom(CallState.READING_BODY))
                .containsExactlyInAnyOrder(CallState.ADMITTING_BODY, CallState.DONE);
        assertThat(allowedFrom(CallState.ADMITTING_BODY))
                .containsExactlyInAnyOrder(CallState.WAITING_UPSTREAM, CallState.DONE);
        assertThat(allowedFrom(CallState.WAITING_UPSTREAM))
                .containsExactlyInAnyOrder(CallState.RELAYING, CallState.DONE);
        assertThat(allowedFrom(CallState.RELAYING)).containsExactly(CallState.DONE);
    }

    @Test
    void doneIsFinalSoACallEndsOnce() {
        assertThat(allowedFrom(CallState.DONE)).isEmpty();
    }

    @Test
    void onlyACallReadingItsBodyOrWaitingForOrReadingFromTheProviderHasADeadline() {
        Set<CallState> watched = EnumSet.noneOf(CallState.class);
        for (CallState s : CallState.values()) {
            if (s.watched) {
                watched.add(s);
            }
        }
        assertThat(watched)
                .containsExactlyInAnyOrder(CallState.READING_BODY, CallState.WAITING_UPSTREAM, CallState.RELAYING);
    }

    @Test
    void theProviderIsContactedOnlyOnceTheCallIsSent() {
        for (CallState s : CallState.values()) {
            assertThat(s.upstreamContacted())
                    .as(s.name())
                    .isEqualTo(s == CallState.WAITING_UPSTREAM || s == CallState.RELAYING);
        }
    }

    private static Set<CallState> allowedFrom(CallState from) {
        Set<CallState> out = EnumSet.noneOf(CallState.class);
        for (CallState next : CallState.values()) {
            if (from.canMoveTo(next)) {
                out.add(next);
            }
        }
        return out;
    }
}
