package dev.tally.platform;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Secrets generated into the data directory (admin token, admin password, session key). A file is
 * created owner-only ({@code rw-------}) in the same call that creates it, so there is no moment
 * when another local account could read it; an existing file is read as it is.
 */
public final class SecretFiles {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private SecretFiles() {
    }

    /** {@code prefix} + hex of {@code bytes} random bytes. */
    public static String random(String prefix, int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }

    /** The file's content (trimmed), if it exists. */
    public static Optional<String> read(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).trim()) : Optional.empty();
        } catch (IOException e) {
            throw new StartupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code secret} to a new owner-only file. False when the file already exists (another
     * start got there first); the caller then reads it.
     */
    public static boolean createOwnerOnly(Path file, String secret) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
            FileAttribute<?>[] attrs = posix ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY) }
                    : new FileAttribute<?>[0];
            try (SeekableByteChannel ch = Files.newByteChannel(file,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attrs)) {
                ch.write(ByteBuffer.wrap((secret + "\n").getBytes(StandardCharsets.UTF_8)));
            }
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new StartupException("cannot write " + file + ": " + e.getMessage()
                    + ": make TALLY_DATA_DIR writable", e);
        }
    }

    /** The secret in {@code file}, generated there first if the file does not exist. */
    public static String loadOrCreate(Path file, String generated) {
        Optional<String> existing = read(file);
        if (existing.isPresent()) {
            return existing.get();
        }
        if (createOwnerOnly(file, generated)) {
            return generated;
        }
        return read(file).orElseThrow();
    }
}
