package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tally.gateway.Api;

/** The chain itself: phases, order, which APIs a check covers, and that the first refusal wins. */
class AdmissionTest {

    final List<String> ran = new ArrayList<>();

    /** A check that notes that it ran and refuses when told to. */
    AdmissionCheck check(String name, AdmissionCheck.Phase phase, int order, boolean refuse, boolean models) {
        return new AdmissionCheck() {
            @Override
            public Phase phase() {
                return phase;
            }

            @Override
            public int order() {
                return order;
            }

            @Override
            public boolean appliesTo(Api api) {
                return models || api != Api.MODELS;
            }

            @Override
            public Refusal check(PendingCall call) {
                ran.add(name);
                return refuse ? Refusal.of(RefusalReason.BAD_REQUEST, name + " refused") : PASS;
            }
        };
    }

    @Test
    void checksRunInTheirOrderWithinTheirPhase() {
        Admission a = new Admission(List.of(
                check("route", AdmissionCheck.Phase.POST_BODY, 1000, false, false),
                check("rate", AdmissionCheck.Phase.PRE_BODY, 300, false, false),
                check("key", AdmissionCheck.Phase.PRE_BODY, 100, false, true),
                check("budget", AdmissionCheck.Phase.POST_BODY, 500, false, false)));
        assertThat(a.preBody(new FakeCall(Api.MESSAGES))).isNull();
        assertThat(ran).containsExactly("key", "rate");
        ran.clear();
        assertThat(a.postBody(new FakeCall(Api.MESSAGES))).isNull();
        assertThat(ran).containsExactly("budget", "route");
    }

    @Test
    void theFirstRefusalWinsAndNoLaterCheckRuns() {
        Admission a = new Admission(List.of(
                check("key", AdmissionCheck.Phase.PRE_BODY, 100, false, true),
                check("size", AdmissionCheck.Phase.PRE_BODY, 200, true, false),
                check("rate", AdmissionCheck.Phase.PRE_BODY, 300, false, false)));
        Refusal r = a.preBody(new FakeCall(Api.CHAT_COMPLETIONS));
        assertThat(r.message()).isEqualTo("size refused");
        assertThat(r.status()).isEqualTo(400);
        assertThat(ran).containsExactly("key", "size");
    }

    @Test
    void aCheckRunsOnlyForTheApisItCovers() {
        Admission a = new Admission(List.of(
                check("key", AdmissionCheck.Phase.PRE_BODY, 100, false, true),
                check("rate", AdmissionCheck.Phase.PRE_BODY, 300, true, false)));
        assertThat(a.preBody(new FakeCall(Api.MODELS))).isNull();
        assertThat(ran).containsExactly("key");
        assertThat(a.chain(AdmissionCheck.Phase.PRE_BODY, Api.MODELS)).hasSize(1);
        assertThat(a.chain(AdmissionCheck.Phase.PRE_BODY, Api.EMBEDDINGS)).hasSize(2);
    }

    @Test
    void theKeyCheckTakesTheBearerTokenWhenItIsATallyKeyElseTheApiKeyHeader() {
        assertThat(KeyCheck.presentedKey(new FakeCall(Api.MESSAGES).with("authorization", "Bearer tly_abc")))
                .isEqualTo("tly_abc");
        assertThat(KeyCheck.presentedKey(new FakeCall(Api.MESSAGES)
                        .with("authorization", "bearer  tly_abc ")
                        .with("x-api-key", "tly_other")))
                .isEqualTo("tly_abc");
        // Claude Code with an OAuth token in Authorization and the Tally key in x-api-key
        assertThat(KeyCheck.presentedKey(new FakeCall(Api.MESSAGES)
                        .with("authorization", "Bearer sk-ant-oat")
                        .with("x-api-key", "tly_key")))
                .isEqualTo("tly_key");
        assertThat(KeyCheck.presentedKey(new FakeCall(Api.MESSAGES).with("authorization", "Basic abc")))
                .isNull();
        assertThat(KeyCheck.presentedKey(new FakeCall(Api.MESSAGES).with("x-api-key", "  ")))
                .isNull();
    }
}
