package dev.tally.platform;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * Decides, before Quarkus starts, which backing services are embedded: no
 * {@code TALLY_KAFKA_BOOTSTRAP_SERVERS} → an in-process broker; no {@code QUARKUS_DATASOURCE_JDBC_URL}
 * → an embedded PostgreSQL. External services are probed for a bounded time so that a wrong address
 * fails start-up with a message naming it, instead of a stack trace minutes later.
 */
public final class EmbeddedServices implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedServices.class);

    private final DataDir dataDir;
    private final EmbeddedKafka kafka;
    private final EmbeddedDatabase database;
    private boolean closed;

    private EmbeddedServices(DataDir dataDir, EmbeddedKafka kafka, EmbeddedDatabase database) {
        this.dataDir = dataDir;
        this.kafka = kafka;
        this.database = database;
    }

    public static EmbeddedServices startFromSettings() {
        Role.parse(Settings.get("TALLY_ROLES").orElse(null));
        DataDir dataDir = DataDir.open(Path.of(Settings.get("TALLY_DATA_DIR").orElse("./data")));
        System.setProperty("tally.data-dir", dataDir.root().toString());
        sessionKey(dataDir);
        Duration wait = Duration.ofSeconds(Settings.getInt("TALLY_STARTUP_WAIT_SECONDS", 30));
        EmbeddedKafka kafka = null;
        EmbeddedDatabase db = null;
        try {
            Optional<String> bootstrap = Settings.get("TALLY_KAFKA_BOOTSTRAP_SERVERS");
            if (bootstrap.isPresent()) {
                awaitKafka(bootstrap.get(), wait);
            } else {
                int port = Settings.getInt("TALLY_KAFKA_EMBEDDED_PORT", 9092);
                Ports.requireFree(port, "embedded Kafka", "TALLY_KAFKA_EMBEDDED_PORT");
                int controllerPort = Settings.getInt("TALLY_KAFKA_EMBEDDED_CONTROLLER_PORT", 0);
                if (controllerPort == 0) {
                    controllerPort = Ports.freePort();
                } else {
                    Ports.requireFree(controllerPort, "embedded Kafka controller", "TALLY_KAFKA_EMBEDDED_CONTROLLER_PORT");
                }
                kafka = new EmbeddedKafka(dataDir.resolve("kafka"), port, controllerPort).start();
                System.setProperty("tally.kafka.bootstrap-servers", kafka.bootstrapServers());
            }
            Optional<String> jdbc = Settings.get("QUARKUS_DATASOURCE_JDBC_URL");
            if (jdbc.isPresent()) {
                awaitDatabase(jdbc.get(), wait);
            } else {
                int port = Settings.getInt("TALLY_POSTGRES_EMBEDDED_PORT", 0);
                if (port == 0) {
                    port = Ports.freePort();
                } else {
                    Ports.requireFree(port, "embedded PostgreSQL", "TALLY_POSTGRES_EMBEDDED_PORT");
                }
                db = new EmbeddedDatabase(dataDir.resolve("postgres"), dataDir.resolve("postgres-bin"), port).start();
                System.setProperty("quarkus.datasource.jdbc.url", db.jdbcUrl());
                System.setProperty("quarkus.datasource.username", db.username());
                System.setProperty("quarkus.datasource.password", db.password());
            }
            return new EmbeddedServices(dataDir, kafka, db);
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.close();
            }
            if (db != null) {
                db.close();
            }
            dataDir.close();
            throw e;
        }
    }

    static final String SESSION_KEY = "quarkus.http.auth.session.encryption-key";

    /**
     * The key that encrypts sign-in session cookies: configured, or generated once into
     * {@code <data dir>/session-key} so that sessions survive a restart (Quarkus would otherwise
     * make a new one per start, and log it). Instances behind one load balancer need the same key:
     * set QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY on each.
     */
    static void sessionKey(DataDir dataDir) {
        if (System.getProperty(SESSION_KEY) == null && System.getenv("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY") == null) {
            System.setProperty(SESSION_KEY, SecretFiles.loadOrCreate(dataDir.resolve("session-key"), SecretFiles.random("", 32)));
        }
    }

    static void awaitKafka(String bootstrap, Duration wait) {
        String first = bootstrap.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon < 0) {
            throw new StartupException("TALLY_KAFKA_BOOTSTRAP_SERVERS=" + bootstrap + " needs host:port");
        }
        String host = first.substring(0, colon);
        int port = Integer.parseInt(first.substring(colon + 1));
        await("Kafka", host, port, wait, "TALLY_KAFKA_BOOTSTRAP_SERVERS");
    }

    static void awaitDatabase(String jdbcUrl, Duration wait) {
        if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
            throw new StartupException("QUARKUS_DATASOURCE_JDBC_URL must be a jdbc:postgresql:// URL, got " + jdbcUrl);
        }
        URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
        String host = uri.getHost() == null ? "localhost" : uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        await("PostgreSQL", host, port, wait, "QUARKUS_DATASOURCE_JDBC_URL");
    }

    private static void await(String service, String host, int port, Duration wait, String variable) {
        Instant deadline = Instant.now().plus(wait);
        boolean logged = false;
        while (!Ports.reachable(host, port, 1000)) {
            if (Instant.now().isAfter(deadline)) {
                throw new StartupException(service + " at " + host + ":" + port + " is unreachable after "
                        + wait.toSeconds() + " s: check " + variable + " and that " + service + " is running");
            }
            if (!logged) {
                LOG.infof("waiting up to %d s for %s at %s:%d", wait.toSeconds(), service, host, port);
                logged = true;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartupException("interrupted while waiting for " + service);
            }
        }
    }

    public Optional<EmbeddedKafka> kafka() {
        return Optional.ofNullable(kafka);
    }

    public Optional<EmbeddedDatabase> database() {
        return Optional.ofNullable(database);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (kafka != null) {
            kafka.close();
        }
        if (database != null) {
            database.close();
        }
        dataDir.close();
    }
}
