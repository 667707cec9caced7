package dev.tally.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The key format: {@code tly_} + 40 base62 characters from {@link SecureRandom} (about 238 bits).
 * Stored as SHA-256 hex; a fast hash is right here because the key is random, not a password, and
 * the gateway hashes the presented key on every call.
 */
public final class ApiKeys {

    public static final String SCHEME = "tly_";
    public static final int RANDOM_CHARS = 40;
    /** Characters after {@code tly_} kept for display: enough to tell keys apart, far from enough to guess one. */
    public static final int PREFIX_CHARS = 8;

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Longer input is not one of our keys; refusing it early keeps hashing cheap under abuse. */
    private static final int MAX_PRESENTED_LENGTH = 256;

    private static final HexFormat HEX = HexFormat.of();
    /**
     * One digest per thread (the gateway's event loops hash the presented key on every call): looking
     * the algorithm up through the security providers on each call cost more than hashing the key.
     */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(ApiKeys::sha256);

    private ApiKeys() {}

    public static String generate() {
        StringBuilder sb = new StringBuilder(SCHEME.length() + RANDOM_CHARS).append(SCHEME);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            sb.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return sb.toString();
    }

    /** {@code tly_} plus the first {@value #PREFIX_CHARS} random characters. */
    public static String prefixOf(String key) {
        return key.substring(0, SCHEME.length() + PREFIX_CHARS);
    }

    /** Cheap shape check before hashing: the scheme, then a plausible length. */
    public static boolean plausible(String presented) {
        return presented != null
                && presented.startsWith(SCHEME)
                && presented.length() > SCHEME.length() + PREFIX_CHARS
                && presented.length() <= MAX_PRESENTED_LENGTH;
    }

    public static String sha256Hex(String key) {
        // digest() resets the digest for the next key
        return HEX.formatHex(SHA256.get().digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
