package dev.tally.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Test resource: the real in-process Kafka broker and the real embedded PostgreSQL, started once per
 * test JVM (both take seconds; every class that names this resource shares them) and stopped when
 * the JVM exits. Tests keep apart by using their own teams and ids, never by wiping data.
 *
 * <p>Use it as {@code @WithTestResource(TallyServices.class)}.
 */
public class TallyServices implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedKafka kafka;
    private static EmbeddedDatabase database;
    private static Path dataDir;

    @Override
    public synchronized Map<String, String> start() {
        startShared();
        return Map.of(
                "tally.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "quarkus.datasource.jdbc.url", database.jdbcUrl(),
                "quarkus.datasource.username", database.username(),
                "quarkus.datasource.password", database.password(),
                "tally.data-dir", dataDir.resolve("app").toString(),
                "tally.admin-token", ADMIN_TOKEN);
    }

    /** The admin token every test uses. */
    public static final String ADMIN_TOKEN = "test-admin-token";

    public static synchronized void startShared() {
        if (kafka != null) {
            return;
        }
        try {
            dataDir = Files.createTempDirectory("tally-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kafka = new EmbeddedKafka(dataDir.resolve("kafka"), Ports.freePort(), Ports.freePort()).start();
        database = new EmbeddedDatabase(dataDir.resolve("postgres"), sharedBinaries(), Ports.freePort(), false).start();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            kafka.close();
                            database.close();
                        },
                        "tally-test-services-stop"));
    }

    /** Unpacked PostgreSQL binaries are reused across test runs (they are a cache, not data). */
    static Path sharedBinaries() {
        return Path.of(System.getProperty("java.io.tmpdir"), "tally-test-pg-bin");
    }

    public static String bootstrapServers() {
        startShared();
        return kafka.bootstrapServers();
    }

    public static EmbeddedKafka kafka() {
        startShared();
        return kafka;
    }

    public static EmbeddedDatabase database() {
        startShared();
        return database;
    }

    @Override
    public void stop() {
        // shared for the whole JVM; stopped by the shutdown hook
    }
}
