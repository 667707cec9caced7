package dev.tally.platform;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Files that hold a secret Tally generates (the admin token, the embedded PostgreSQL password, the
 * local admin password, the session key). They
 * are owner-only from the moment they exist: created with mode {@code rw-------} by the same call that
 * creates them, then written, so no other account can open one even for an instant. An existing file
 * that others may read (a copy restored with the wrong mode, an edit by hand) is tightened to
 * {@code rw-------} with a warning that the secret may have been read and how to replace it.
 */
public final class SecretFiles {

    private static final Logger LOG = Logger.getLogger(SecretFiles.class);
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    /** The mode of a directory that holds secrets or their data (the data directory, the binaries cache). */
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private static final SecureRandom RANDOM = new SecureRandom();

    private SecretFiles() {}

    /** A secret read from {@code file}, and whether it was generated just now. */
    public record Secret(String value, boolean created) {
        @Override
        public String toString() {
            return "Secret[created=" + created + "]"; // never the value, should a record be logged
        }
    }

    /**
     * The secret kept in {@code file}: read (trimmed) if the file holds one, else {@code prefix} + 64 hex
     * characters from {@link SecureRandom} written into a new owner-only file. A file that exists but is
     * blank (a start cut short between creating and writing it) gets a new secret.
     *
     * @param what names the secret in log lines and errors, e.g. "the admin token"
     */
    public static Secret readOrCreate(Path file, String prefix, String what) throws IOException {
        return readOrCreate(file, () -> prefix + generate(), what);
    }

    /** As {@link #readOrCreate(Path, String, String)}, with the new secret from {@code generator}. */
    public static Secret readOrCreate(Path file, Supplier<String> generator, String what) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(
                        file + " (" + what + ") is not a regular file: remove it so that Tally " + "creates it again");
            }
            tighten(file, what);
            String existing = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!existing.isEmpty()) {
                return new Secret(existing, false);
            }
            LOG.warnf(
                    "%s in %s is empty (an earlier start stopped while writing it): generating a new one", what, file);
        }
        String value = generator.get();
        write(file, value);
        return new Secret(value, true);
    }

    /** 32 random bytes as 64 lowercase hex characters. */
    static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Writes {@code value} and a newline into {@code file}: created owner-only if absent (the mode is part
     * of the create call, so the process umask can only narrow it), truncated and rewritten in place if
     * present (its mode is kept, after {@link #tighten}).
     */
    static void write(Path file, String value) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (posix(file.toAbsolutePath().getParent())) {
            FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            try {
                Files.createFile(file, ownerOnly);
            } catch (FileAlreadyExistsException e) {
                tighten(file, "the file");
            }
        } else if (!Files.exists(file)) {
            Files.createFile(file);
            LOG.warnf(
                    "%s: this file system has no POSIX permissions; restrict the file to Tally's account yourself",
                    file);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(StandardCharsets.UTF_8.encode(value + "\n"));
            ch.force(true);
        }
    }

    /** Sets an existing file to {@code rw-------} if group or others have any access to it. */
    static void tighten(Path file, String what) throws IOException {
        if (!posix(file)) {
            return;
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (OWNER_ONLY.containsAll(mode)) {
            return;
        }
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        LOG.warnf(
                "%s in %s was readable by other accounts (%s): set to rw-------. Other local users may have "
                        + "read it: delete the file and restart Tally to generate a new one",
                what, file, PosixFilePermissions.toString(mode));
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
