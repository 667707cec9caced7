package dev.tally.gateway.admission;

import java.time.Clock;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;

import dev.tally.gateway.Api;
import dev.tally.identity.KeyLookup;
import dev.tally.identity.ResolvedKey;

/**
 * The caller's key: {@code Authorization: Bearer tly_…} or {@code x-api-key: tly_…}, looked up in
 * memory. Missing, unknown, revoked and expired keys are refused with 401; a revoked or expired
 * key still names its team, so its use shows up there.
 */
@Singleton
public class KeyCheck implements AdmissionCheck {

    static final CharSequence H_AUTHORIZATION = HttpHeaders.createOptimized("authorization");
    static final CharSequence H_X_API_KEY = HttpHeaders.createOptimized("x-api-key");

    private final Instance<KeyLookup> keys;
    private final Clock clock;

    public KeyCheck(Instance<KeyLookup> keys, Clock clock) {
        this.keys = keys;
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
            return Refusal.of(RefusalReason.MISSING_KEY,
                    "missing API key: send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
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
                default -> Refusal.of(RefusalReason.INVALID_KEY, "invalid API key");
            };
        }
        if (key.expiredAt(clock.instant())) {
            return Refusal.of(RefusalReason.EXPIRED, "this API key has expired");
        }
        return PASS;
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
