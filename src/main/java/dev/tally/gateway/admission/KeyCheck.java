package dev.tally.gateway.admission;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import jakarta.inject.Singleton;

import io.vertx.core.http.HttpHeaders;

import dev.tally.gateway.Api;
import dev.tally.gateway.WarmUp;
import dev.tally.identity.ApiKeys;
import dev.tally.identity.KeyLookup;
import dev.tally.identity.ResolvedKey;
import dev.tally.platform.TallyConfig;

/**
 * The caller's key: {@code Authorization: Bearer tly_…} or {@code x-api-key: tly_…}, looked up in
 * memory. Missing, malformed, unknown, revoked and expired keys are refused with 401, and the message
 * says what to do: where to make a new key, and when a revoked or expired one stopped working. A revoked or
 * expired key still names its team and person, so its use is recorded there; a call without a valid
 * key names nobody, is counted in a metric only, and past a burst from one address gets 429
 * ({@link InvalidKeyThrottle}). The gateway's own {@link WarmUp} calls present a key held in memory
 * while it runs.
 */
@Singleton
public class KeyCheck implements AdmissionCheck {

    static final CharSequence H_AUTHORIZATION = HttpHeaders.createOptimized("authorization");
    static final CharSequence H_X_API_KEY = HttpHeaders.createOptimized("x-api-key");
    /** The self-service page where a person creates their own keys. */
    static final String KEYS_PAGE = "/me";

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final KeyLookup keys;
    private final WarmUp warmUp;
    private final InvalidKeyThrottle throttle;
    private final Clock clock;
    /** The configured public URL without a trailing slash, or null (then the request's origin). */
    private final String publicUrl;

    public KeyCheck(KeyLookup keys, WarmUp warmUp, InvalidKeyThrottle throttle, Clock clock, TallyConfig config) {
        this.keys = keys;
        this.warmUp = warmUp;
        this.throttle = throttle;
        this.clock = clock;
        this.publicUrl = config.publicUrl()
                .map(String::trim)
                .filter(u -> !u.isEmpty())
                .map(u -> u.replaceAll("/+$", ""))
                .orElse(null);
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
            return unauthenticated(
                    call,
                    RefusalReason.MISSING_KEY,
                    "missing API key: send it as" + " 'Authorization: Bearer <key>' or 'x-api-key: <key>'; "
                            + createOne(call, "create one"));
        }
        if (!ApiKeys.plausible(presented)) {
            return unauthenticated(
                    call,
                    RefusalReason.MALFORMED_KEY,
                    "invalid API key: this is not a Tally key; " + createOne(call, "create one"));
        }
        KeyLookup.Result found = keys.lookup(presented);
        if (found.status() == KeyLookup.Status.UNKNOWN && warmUp.admits(presented)) {
            call.identify(WarmUp.KEY);
            return PASS;
        }
        ResolvedKey key = found.key();
        if (key != null) {
            call.identify(key);
        }
        if (found.status() != KeyLookup.Status.VALID || key == null) {
            return switch (found.status()) {
                case REVOKED ->
                    Refusal.of(
                            RefusalReason.REVOKED,
                            "this API key was revoked"
                                    + (found.revokedAt() == null ? "" : " on " + WHEN.format(found.revokedAt())) + "; "
                                    + createOne(call, "create a new one"));
                case EXPIRED -> expired(call, key);
                default ->
                    unauthenticated(
                            call,
                            RefusalReason.INVALID_KEY,
                            "invalid API key: Tally knows no such key; " + createOne(call, "create one"));
            };
        }
        if (key.expiredAt(clock.instant())) {
            return expired(call, key);
        }
        return PASS;
    }

    private Refusal expired(PendingCall call, ResolvedKey key) {
        Instant at = key == null ? null : key.expiresAt();
        return Refusal.of(
                RefusalReason.EXPIRED,
                "this API key expired" + (at == null ? "" : " on " + WHEN.format(at)) + "; "
                        + createOne(call, "create a new one"));
    }

    /** "create a new one at https://tally.example.com/me", or without the link when Tally cannot tell its address. */
    private String createOne(PendingCall call, String what) {
        String base = publicUrl != null ? publicUrl : call.origin();
        return base == null ? what + " on Tally's My usage page" : what + " at " + base + KEYS_PAGE;
    }

    /** 401, or 429 once the caller's address has sent too many calls without a valid key. */
    private Refusal unauthenticated(PendingCall call, RefusalReason reason, String message) {
        long retry = throttle.charge(call.clientAddress());
        if (retry == 0) {
            return Refusal.of(reason, message);
        }
        return new Refusal(
                429,
                reason,
                message + "; too many requests without a valid API key from this address," + " retry after " + retry
                        + " s",
                null,
                retry);
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
