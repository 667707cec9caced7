package dev.tally.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Test resource: the real in-process Kafka broker and the real embedded PostgreSQL, started once per
 * test JVM (both take seconds) and shared by every Quarkus application of that JVM. Each test profile
 * or set of test resources is an application of its own, with its classes loaded anew, so a static
 * field alone would start a broker and a database per application; the first start leaves their
 * address in a system property and the applications after it use them, as a restarted Tally finds its
 * own. Each application gets a Tally data directory of its own. Tests keep apart by using their own
 * teams and ids, never by wiping data. Both stop, and their directory is deleted, when the JVM exits.
 *
 * <p>Most tests name it through {@link TestStack}; a test of a configuration of its own names it as
 * {@code @WithTestResource(TallyServices.class)}.
 */
public class TallyServices implements QuarkusTestResourceLifecycleManager {

    /** {@code <bootstrap servers> <PostgreSQL port> <directory>} of the services this JVM started. */
    private static final String SHARED = "dev.tally.test.services";

    private static String bootstrap;
    private static EmbeddedDatabase database;
    private static Path dataDir;

    @Override
    public synchronized Map<String, String> start() {
        startShared();
        Path app;
        try {
            app = Files.createTempDirectory(dataDir, "app-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "tally.kafka.bootstrap-servers", bootstrap,
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", database.username(),
                "quarkus.datasource.password", database.password(),
                "tally.data-dir", app.toString(),
                "tally.admin-token", ADMIN_TOKEN);
    }

    /** The admin token every test uses. */
    public static final String ADMIN_TOKEN = "test-admin-token";

    public static void startShared() {
        // a string literal is one object in the JVM: one lock for every class loader's copy of this class
        synchronized (SHARED) {
            if (bootstrap != null) {
                return;
            }
            String shared = System.getProperty(SHARED);
            if (shared != null) {
                String[] parts = shared.split(" ", 3);
                dataDir = Path.of(parts[2]);
                database = database(Integer.parseInt(parts[1]));
                bootstrap = parts[0];
                return;
            }
            try {
                dataDir = Files.createTempDirectory("tally-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedKafka kafka =
                    new EmbeddedKafka(dataDir.resolve("kafka"), Ports.freePort(), Ports.freePort()).start();
            EmbeddedDatabase db = database(Ports.freePort()).start();
            Path dir = dataDir;
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                kafka.close();
                                db.close();
                                TestFiles.deleteTempTree(dir);
                            },
                            "tally-test-services-stop"));
            database = db;
            bootstrap = kafka.bootstrapServers();
            System.setProperty(SHARED, bootstrap + " " + db.port() + " " + dataDir);
        }
    }

    private static EmbeddedDatabase database(int port) {
        return new EmbeddedDatabase(dataDir.resolve("postgres"), sharedBinaries(), port, false);
    }

    /** Unpacked PostgreSQL binaries are reused across test runs (they are a cache, not data). */
    static Path sharedBinaries() {
        return Path.of(System.getProperty("java.io.tmpdir"), "tally-test-pg-bin");
    }

    public static String bootstrapServers() {
        startShared();
        return bootstrap;
    }

    /** The shared database; its password is read from the file the first start wrote. */
    public static EmbeddedDatabase database() {
        startShared();
        return database;
    }

    @Override
    public void stop() {
        // shared for the whole JVM; stopped by the shutdown hook
    }
}
