package dev.tally.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server run from the binaries zonky ships on Maven Central. The cluster lives in
 * the given directory and is never wiped, so rows survive a restart; the binaries are unpacked into
 * a cache directory beside it. It listens on 127.0.0.1 only and every connection must give the
 * superuser password, generated at first start into the owner-only file {@code <cluster dir>-password}
 * ({@code <data dir>/postgres-password}); see {@link PostgresAuth}.
 *
 * <p>zonky makes the directory it unpacks into writable by every account, at every start, and runs the
 * binaries it finds there marked as unpacked. So that no other account can put its own {@code postgres}
 * there for Tally to run, zonky unpacks one level down ({@link #unpackDir}) and the cache directory
 * given here is made owner-only at every start: others cannot enter it, whatever the data directory's
 * mode.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedDatabase.class);

    private final Path dataDir;
    private final Path workDir;
    private final Path unpackDir;
    private final int port;
    private final boolean durable;
    private EmbeddedPostgres postgres;
    private String password;

    /** A durable server: fsync and synchronous commit on, as a database that keeps money should be. */
    public EmbeddedDatabase(Path dataDir, Path workDir, int port) {
        this(dataDir, workDir, port, true);
    }

    /**
     * {@code durable=false} keeps zonky's test defaults (no fsync): fine for throw-away test data,
     * never for the app's data directory.
     */
    public EmbeddedDatabase(Path dataDir, Path workDir, int port, boolean durable) {
        this.dataDir = dataDir;
        this.workDir = workDir;
        this.unpackDir = unpackDir(workDir);
        this.port = port;
        this.durable = durable;
    }

    /** Where zonky unpacks the binaries: inside the owner-only cache directory. */
    static Path unpackDir(Path workDir) {
        return workDir.resolve("unpacked");
    }

    public synchronized EmbeddedDatabase start() {
        try {
            stopOrphan();
            requireFreePort();
            Files.createDirectories(dataDir.getParent());
            prepareBinariesDir();
            String secret = password();
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setOverrideWorkingDirectory(unpackDir.toFile())
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // after zonky's initdb (which trusts everyone), before the server starts: require the password
                    .setDataDirectoryCustomizer(dir -> requirePassword(dir.toPath(), secret))
                    // zonky's own readiness check connects as postgres, so it needs the password too
                    .setConnectConfig("password", secret);
            if (durable) {
                // zonky starts postgres with -F (fsync off); a later -c wins on the command line
                builder.setServerConfig("fsync", "on").setServerConfig("synchronous_commit", "on");
            }
            postgres = builder.start();
            LOG.infof("embedded PostgreSQL listening on 127.0.0.1:%d (data in %s)", port, dataDir);
            return this;
        } catch (Exception e) {
            throw new StartupException(
                    "embedded PostgreSQL could not start on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cache directory owner-only, zonky's unpack directory inside it, and the binaries an earlier
     * Tally unpacked straight into the cache directory (zonky's {@code PG-<digest>}) removed.
     */
    private void prepareBinariesDir() throws IOException {
        Files.createDirectories(workDir);
        try {
            Files.setPosixFilePermissions(workDir, SecretFiles.OWNER_ONLY_DIR);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system (Windows): no POSIX mode to set
        }
        Files.createDirectories(unpackDir);
        try (Stream<Path> entries = Files.list(workDir)) {
            for (Path old : entries.filter(d -> d.getFileName().toString().startsWith("PG-"))
                    .toList()) {
                deleteTree(old);
            }
        }
    }

    /**
     * Best effort: what is left is disk space in an owner-only directory, not a reason to fail a start
     * (another process sharing the cache may be removing the same tree).
     */
    private void deleteTree(Path root) {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            LOG.infof("removed %s: the PostgreSQL binaries are now unpacked in %s", root, unpackDir);
        } catch (IOException | UncheckedIOException e) {
            LOG.warnf(
                    "could not remove %s, PostgreSQL binaries an earlier Tally unpacked (%s): delete it by hand",
                    root, e.getMessage());
        }
    }

    /**
     * PostgreSQL exits at once when its port is taken, but zonky's readiness check keeps connecting to
     * whatever holds the port until its 30 s wait ends (another PostgreSQL refuses the password; a
     * silent listener never answers). Binding the port first, as PostgreSQL will (address reuse on),
     * says so at once.
     */
    private void requireFreePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        } catch (IOException e) {
            throw new IOException("the port is in use (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A Tally killed hard (SIGKILL, OOM) leaves its PostgreSQL running, and the cluster cannot start
     * twice. The caller holds the data-directory lock, so no live Tally owns that server: stop it
     * (SIGTERM = smart shutdown; its clients are gone) and start our own on the same data.
     */
    private void stopOrphan() throws IOException, InterruptedException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        String first =
                Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return;
        }
        var handle = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (handle.isEmpty()) {
            return;
        }
        LOG.warnf("stopping PostgreSQL (pid %d) left running on %s by a Tally that did not stop cleanly", pid, dataDir);
        handle.get().destroy();
        try {
            handle.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new StartupException("PostgreSQL (pid " + pid + ") left running on " + dataDir
                    + " did not stop: stop it, then start Tally again");
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String username() {
        return "postgres";
    }

    /**
     * The superuser password, read from (or, the first time, generated into) its owner-only file.
     * Known before the server has started, so that Quarkus can be configured while it starts.
     */
    public synchronized String password() {
        if (password == null) {
            try {
                password = SecretFiles.readOrCreate(passwordFile(), "", "the embedded PostgreSQL password")
                        .value();
            } catch (IOException e) {
                throw new StartupException(
                        "cannot read or write the embedded PostgreSQL password at " + passwordFile() + ": "
                                + e.getMessage(),
                        e);
            }
        }
        return password;
    }

    /** {@code <data dir>/postgres-password} for the cluster in {@code <data dir>/postgres}. */
    public Path passwordFile() {
        return dataDir.resolveSibling(dataDir.getFileName() + "-password");
    }

    private void requirePassword(Path cluster, String secret) {
        try {
            PostgresAuth.apply(cluster, unpackDir, secret);
        } catch (IOException e) {
            throw new StartupException(
                    "could not set up password authentication for the embedded PostgreSQL in " + cluster + ": "
                            + e.getMessage(),
                    e);
        }
    }

    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        if (postgres != null) {
            LOG.info("stopping embedded PostgreSQL");
            try {
                postgres.close();
            } catch (Exception e) {
                LOG.warn("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            postgres = null;
        }
    }
}
