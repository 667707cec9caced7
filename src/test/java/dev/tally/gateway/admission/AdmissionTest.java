package dev.tally.gateway.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tally.gateway.Api;
import dev.tally.gateway.Provider;
import dev.tally.identity.ResolvedKey;

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
        assertThat(a.preBody(new Call(Api.MESSAGES))).isNull();
        assertThat(ran).containsExactly("key", "rate");
        ran.clear();
        assertThat(a.postBody(new Call(Api.MESSAGES))).isNull();
        assertThat(ran).containsExactly("budget", "route");
    }

    @Test
    void theFirstRefusalWinsAndNoLaterCheckRuns() {
        Admission a = new Admission(List.of(
                check("key", AdmissionCheck.Phase.PRE_BODY, 100, false, true),
                check("size", AdmissionCheck.Phase.PRE_BODY, 200, true, false),
                check("rate", AdmissionCheck.Phase.PRE_BODY, 300, false, false)));
        Refusal r = a.preBody(new Call(Api.CHAT_COMPLETIONS));
        assertThat(r.message()).isEqualTo("size refused");
        assertThat(r.status()).isEqualTo(400);
        assertThat(ran).containsExactly("key", "size");
    }

    @Test
    void aCheckRunsOnlyForTheApisItCovers() {
        Admission a = new Admission(List.of(
                check("key", AdmissionCheck.Phase.PRE_BODY, 100, false, true),
                check("rate", AdmissionCheck.Phase.PRE_BODY, 300, true, false)));
        assertThat(a.preBody(new Call(Api.MODELS))).isNull();
        assertThat(ran).containsExactly("key");
        assertThat(a.chain(AdmissionCheck.Phase.PRE_BODY, Api.MODELS)).hasSize(1);
        assertThat(a.chain(AdmissionCheck.Phase.PRE_BODY, Api.EMBEDDINGS)).hasSize(2);
    }

    @Test
    void theKeyCheckTakesTheBearerTokenWhenItIsATallyKeyElseTheApiKeyHeader() {
        assertThat(KeyCheck.presentedKey(new Call(Api.MESSAGES).with("authorization", "Bearer tly_abc")))
                .isEqualTo("tly_abc");
        assertThat(KeyCheck.presentedKey(new Call(Api.MESSAGES).with("authorization", "bearer  tly_abc ")
                .with("x-api-key", "tly_other"))).isEqualTo("tly_abc");
        // Claude Code with an OAuth token in Authorization and the Tally key in x-api-key
        assertThat(KeyCheck.presentedKey(new Call(Api.MESSAGES).with("authorization", "Bearer sk-ant-oat")
                .with("x-api-key", "tly_key"))).isEqualTo("tly_key");
        assertThat(KeyCheck.presentedKey(new Call(Api.MESSAGES).with("authorization", "Basic abc"))).isNull();
        assertThat(KeyCheck.presentedKey(new Call(Api.MESSAGES).with("x-api-key", "  "))).isNull();
    }

    /** A call as admission sees it, with headers and nothing else. */
    static final class Call implements PendingCall {
        private final Api api;
        private final Map<String, String> headers = new HashMap<>();

        Call(Api api) {
            this.api = api;
        }

        Call with(String header, String value) {
            headers.put(header, value);
            return this;
        }

        @Override
        public Api api() {
            return api;
        }

        @Override
        public String requestId() {
            return "test";
        }

        @Override
        public String header(CharSequence name) {
            return headers.get(name.toString());
        }

        @Override
        public ResolvedKey key() {
            return null;
        }

        @Override
        public void identify(ResolvedKey key) {
        }

        @Override
        public String model() {
            return null;
        }

        @Override
        public void rewriteModel(String model) {
        }

        @Override
        public int requestBytes() {
            return 0;
        }

        @Override
        public long maxTokens() {
            return -1;
        }

        @Override
        public Provider provider() {
            return null;
        }

        @Override
        public void route(Provider provider) {
        }

        @Override
        public void reserve(Reservation r) {
        }
    }
}
