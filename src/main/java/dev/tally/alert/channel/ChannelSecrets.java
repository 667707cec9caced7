package dev.tally.alert.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Singleton;

import dev.tally.platform.SecretFiles;
import dev.tally.platform.StartupException;
import dev.tally.platform.TallyConfig;

/**
 * Seals the channel secrets Tally must use again (Slack webhook URLs, webhook signing secrets) with
 * AES-256-GCM, so a copy of the database alone does not give them away. The key is
 * {@code TALLY_ALERTS_SECRET_KEY} or, by default, an owner-only file in the data directory. The
 * channel id is the associated data: a sealed value copied onto another channel does not open.
 */
@Singleton
public class ChannelSecrets {

    static final String KEY_FILE = "alert-channel-key";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    public ChannelSecrets(AlertConfig alerts, TallyConfig tally) {
        String hex = alerts.secretKey().map(String::strip).orElseGet(() -> fromFile(Path.of(tally.dataDir())));
        this.key = new SecretKeySpec(parse(hex), "AES");
    }

    private static String fromFile(Path dataDir) {
        try {
            return SecretFiles.readOrCreate(dataDir.resolve(KEY_FILE), "", "the alert channel key")
                    .value();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] parse(String hex) {
        try {
            byte[] bytes = HexFormat.of().parseHex(hex);
            if (bytes.length == 32) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new StartupException("TALLY_ALERTS_SECRET_KEY must be 64 hex characters (32 bytes), e.g. the output "
                + "of: openssl rand -hex 32");
    }

    /** IV (12 bytes) followed by the ciphertext and its tag. */
    public byte[] seal(UUID channel, String plain) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = cipher(Cipher.ENCRYPT_MODE, channel, iv);
            byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(IV_BYTES + sealed.length)
                    .put(iv)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** The plain value; a wrong key or a value sealed for another channel is an error that says so. */
    public String open(UUID channel, byte[] sealed) {
        try {
            Cipher c = cipher(Cipher.DECRYPT_MODE, channel, Arrays.copyOf(sealed, IV_BYTES));
            byte[] plain = c.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the secret of channel " + channel
                    + ": sealed under another TALLY_ALERTS_SECRET_KEY (every instance must share one)");
        }
    }

    private Cipher cipher(int mode, UUID channel, byte[] iv) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
        c.updateAAD(channel.toString().getBytes(StandardCharsets.US_ASCII));
        return c;
    }
}
