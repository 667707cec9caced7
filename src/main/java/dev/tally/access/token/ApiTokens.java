package dev.tally.access.token;

import dev.tally.access.Random62;
import dev.tally.identity.ApiKeys;

/**
 * The token format: {@code tapi_} + 40 base62 characters (about 238 bits), distinct from gateway
 * keys ({@code tly_}) so neither is mistaken for the other. Stored as SHA-256 hex: the token is
 * random, so a fast hash is right.
 */
public final class ApiTokens {

    public static final String SCHEME = "tapi_";
    static final int RANDOM_CHARS = 40;
    static final int PREFIX_CHARS = 8;
    private static final int MAX_LENGTH = 256;

    private ApiTokens() {}

    static String generate() {
        return SCHEME + Random62.of(RANDOM_CHARS);
    }

    static String prefixOf(String token) {
        return token.substring(0, SCHEME.length() + PREFIX_CHARS);
    }

    /** Looks like one of ours (checked before any hashing or lookup). */
    public static boolean plausible(String presented) {
        return presented != null
                && presented.startsWith(SCHEME)
                && presented.length() > SCHEME.length() + PREFIX_CHARS
                && presented.length() <= MAX_LENGTH;
    }

    static String sha256Hex(String token) {
        return ApiKeys.sha256Hex(token);
    }
}
