package dev.tally.platform;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data directory that holds the embedded broker's log, the embedded database's cluster, the
 * spool and the generated admin token. One Tally owns it at a time: a second instance on the same
 * directory would corrupt the broker log and the PostgreSQL cluster, so it is refused with an
 * exclusive OS file lock that is released when the process dies, however it dies.
 */
public final class DataDir implements AutoCloseable {

    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDir(Path root, FileChannel channel, FileLock lock) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the directory if needed, checks it is writable and takes the lock. */
    public static DataDir open(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
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
