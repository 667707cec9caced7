package dev.tally.platform;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

import org.jboss.logging.Logger;

/**
 * The data directory that holds the embedded broker's log, the embedded database's cluster, the
 * spool and the generated admin token. One Tally owns it at a time: a second instance on the same
 * directory would corrupt the broker log and the PostgreSQL cluster, so it is refused with an
 * exclusive OS file lock that is released when the process dies, however it dies.
 */
public final class DataDir implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DataDir.class);

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel channel, FileLock lock) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the directory if needed, owner-only ({@code rwx------}: it holds the usage events, the
     * database and the secrets), checks it is writable and takes the lock. An existing directory keeps
     * its mode; one that other accounts may enter is named in a warning.
     */
    public static DataDir open(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        try {
            createOwnerOnly(abs);
        } catch (IOException e) {
            throw new StartupException("data directory " + abs + " cannot be created (" + e.getMessage()
                    + "): set TALLY_DATA_DIR to a writable directory");
        }
        if (!Files.isWritable(abs)) {
            throw new StartupException("data directory " + abs
                    + " is not writable: set TALLY_DATA_DIR to a writable directory or fix its permissions");
        }
        Path lockFile = abs.resolve(".lock");
        try {
            @SuppressWarnings("resource")
            FileChannel ch = new RandomAccessFile(lockFile.toFile(), "rw").getChannel();
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new StartupException("data directory " + abs
                        + " is in use by another Tally: stop it first, or set TALLY_DATA_DIR to another directory");
            }
            return new DataDir(abs, ch, l);
        } catch (IOException e) {
            throw new StartupException("data directory " + abs + " cannot be locked (" + e.getMessage()
                    + "): set TALLY_DATA_DIR to a writable directory");
        }
    }

    private static void createOwnerOnly(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            warnIfOthersMayEnter(dir);
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(SecretFiles.OWNER_ONLY_DIR));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir); // not a POSIX file system (Windows)
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            warnIfOthersMayEnter(dir); // made a moment ago by someone else
        }
    }

    private static void warnIfOthersMayEnter(Path dir) throws IOException {
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(dir);
        } catch (UnsupportedOperationException e) {
            return;
        }
        if (mode.stream().anyMatch(OTHERS::contains)) {
            LOG.warnf(
                    "data directory %s is open to other accounts (%s): it holds the usage events, the database and"
                            + " the secrets; restrict it with chmod 700 (or chmod o-rwx)",
                    dir, PosixFilePermissions.toString(mode));
        }
    }

    public Path root() {
        return root;
    }

    public Path resolve(String child) {
        return root.resolve(child);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the OS releases the lock with the process anyway
        }
    }
}
