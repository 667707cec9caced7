package dev.tally.gateway.admission;

import java.time.Clock;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;

import dev.tally.gateway.Api;
import dev.tally.identity.ApiKeys;
import dev.tally.identity.KeyLookup;
import dev.tally.identity.ResolvedKey;

/**
 * The caller's key: {@code Authorization: Bearer tly_…} or {@code x-api-key: tly_…}, looked up in
 * memory. Missing, malformed, unknown, revoked and expired keys are refused with 401. A revoked or
 * expired key still names its team and person, so its use is recorded there; a call without a valid
 * key names nobody, is counted in a metric only, and past a burst from one address gets 429
 * ({@link InvalidKeyThrottle}).
 */
@Singleton
public class KeyCheck implements AdmissionCheck {

    static final CharSequence H_AUTHORIZATION = HttpHeaders.createOptimized("authorization");
    static final CharSequence H_X_API_KEY = HttpHeaders.createOptimized("x-api-key");

    private final Instance<KeyLookup> keys;
    private final InvalidKeyThrottle throttle;
    private final Clock clock;

    public KeyCheck(Instance<KeyLookup> keys, InvalidKeyThrottle throttle, Clock clock) {
        this.keys = keys;
        this.throttle = throttle;
        this.clock = clock;
    }

    @Override
    public Phase phase() {
        return Phase.PRE_BODY;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public boolean appliesTo(Api api) {
        return true; // the model list shows what the key may use
    }

    @Override
    public Refusal check(PendingCall call) {
        String presented = presentedKey(call);
        if (presented == null) {
            return unauthenticated(call, RefusalReason.MISSING_KEY,
                    "missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
        }
        if (!ApiKeys.plausible(presented)) {
            return unauthenticated(call, RefusalReason.MALFORMED_KEY, "invalid API key");
        }
        KeyLookup.Result found = keys.isResolvable() ? keys.get().lookup(presented)
                : new KeyLookup.Result(KeyLookup.Status.UNKNOWN, null);
        ResolvedKey key = found.key();
        if (key != null) {
            call.identify(key);
        }
        if (found.status() != KeyLookup.Status.VALID || key == null) {
            return switch (found.status()) {
                case REVOKED -> Refusal.of(RefusalReason.REVOKED, "this API key has been revoked");
                case EXPIRED -> Refusal.of(RefusalReason.EXPIRED, "this API key has expired");
                default -> unauthenticated(call, RefusalReason.INVALID_KEY, "invalid API key");
            };
        }
        if (key.expiredAt(clock.instant())) {
            return Refusal.of(RefusalReason.EXPIRED, "this API key has expired");
        }
        return PASS;
    }

    /** 401, or 429 once the caller's address has sent too many calls without a valid key. */
    private Refusal unauthenticated(PendingCall call, RefusalReason reason, String message) {
        long retry = throttle.charge(call.clientAddress());
        if (retry == 0) {
            return Refusal.of(reason, message);
        }
        return new Refusal(429, reason, message + "; too many requests without a valid API key from this address,"
                + " retry after " + retry + " s", null, retry);
    }

    /** A Bearer token wins when it looks like a Tally key (Claude Code may send both headers). */
    static String presentedKey(PendingCall call) {
        String auth = call.header(H_AUTHORIZATION);
        String bearer = null;
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            bearer = auth.substring(7).trim();
        }
        String apiKey = call.header(H_X_API_KEY);
        if (apiKey != null) {
            apiKey = apiKey.trim();
        }
        if (bearer != null && !bearer.isEmpty() && (apiKey == null || bearer.startsWith("tly_"))) {
            return bearer;
        }
        return apiKey == null || apiKey.isEmpty() ? null : apiKey;
    }
}
