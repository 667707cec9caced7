package dev.tally.platform;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.tally.platform.StartupPhases.Phase;

/**
 * Decides, before Quarkus starts, which backing services are embedded: no
 * {@code TALLY_KAFKA_BOOTSTRAP_SERVERS} → an in-process broker; no {@code QUARKUS_DATASOURCE_JDBC_URL}
 * → an embedded PostgreSQL. External services are probed for a bounded time so that a wrong address
 * fails start-up with a message naming it, instead of a stack trace minutes later; a gateway-only
 * instance does not wait for an external Kafka (its events spool until Kafka answers).
 *
 * <p>Nothing embedded is waited for here: the embedded broker and the embedded PostgreSQL each start
 * on their own thread beside Quarkus' boot, with their addresses (and the database's password) set
 * at once. Flyway waits for the database and the topic set-up for the broker ({@link StartGate});
 * the other clients reach the broker when it is up.
 */
public final class EmbeddedServices implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedServices.class);
    private static final Duration START_GRACE = Duration.ofSeconds(60);

    private final DataDir dataDir;
    /** The embedded broker, starting or started; null when Kafka is external. */
    private final CompletableFuture<EmbeddedKafka> kafka;
    /** The embedded database, starting or started; null when the database is external. */
    private final CompletableFuture<EmbeddedDatabase> database;

    private boolean closed;

    private EmbeddedServices(
            DataDir dataDir, CompletableFuture<EmbeddedKafka> kafka, CompletableFuture<EmbeddedDatabase> database) {
        this.dataDir = dataDir;
        this.kafka = kafka;
        this.database = database;
    }

    public static EmbeddedServices startFromSettings() {
        Set<Role> roles = Role.parse(Settings.get("TALLY_ROLES").orElse(null));
        DataDir dataDir = DataDir.open(Path.of(Settings.get("TALLY_DATA_DIR").orElse("./data")));
        System.setProperty("tally.data-dir", dataDir.root().toString());
        sessionKey(dataDir);
        Duration wait = Duration.ofSeconds(Settings.getInt("TALLY_STARTUP_WAIT_SECONDS", 30));
        CompletableFuture<EmbeddedKafka> kafka = null;
        CompletableFuture<EmbeddedDatabase> db = null;
        try {
            Optional<String> bootstrap = Settings.get("TALLY_KAFKA_BOOTSTRAP_SERVERS");
            int[] kafkaPorts = {};
            if (bootstrap.isEmpty()) {
                kafkaPorts = kafkaPorts();
                kafka = startKafkaInBackground(dataDir, kafkaPorts);
            } else {
                awaitKafkaIfNeeded(roles, bootstrap.get(), wait);
            }
            Optional<String> jdbc = Settings.get("QUARKUS_DATASOURCE_JDBC_URL");
            if (jdbc.isPresent()) {
                awaitDatabase(jdbc.get(), wait);
            } else {
                int port = postgresPort(kafkaPorts);
                EmbeddedDatabase embedded =
                        new EmbeddedDatabase(dataDir.resolve("postgres"), dataDir.resolve("postgres-bin"), port);
                System.setProperty("quarkus.datasource.jdbc.url", embedded.jdbcUrl());
                System.setProperty("quarkus.datasource.username", embedded.username());
                System.setProperty("quarkus.datasource.password", embedded.password());
                db = startDatabaseInBackground(embedded);
            }
            return new EmbeddedServices(dataDir, kafka, db);
        } catch (RuntimeException e) {
            if (kafka != null) {
                stopWhenStarted(kafka, "Kafka broker");
                StartGate.BROKER.closed();
            }
            if (db != null) {
                stopWhenStarted(db, "PostgreSQL");
                StartGate.DATABASE.closed();
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
        if (System.getProperty(SESSION_KEY) == null
                && System.getenv("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY") == null) {
            Path file = dataDir.resolve("session-key");
            try {
                System.setProperty(
                        SESSION_KEY,
                        SecretFiles.readOrCreate(file, "", "the session key").value());
            } catch (IOException e) {
                throw new StartupException(
                        "cannot read or write the session key at " + file + ": " + e.getMessage()
                                + ": set QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY or make TALLY_DATA_DIR writable",
                        e);
            }
        }
    }

    /**
     * The embedded broker's two ports: its clients' ({@code TALLY_KAFKA_EMBEDDED_PORT}, 9092) and its
     * KRaft controller's (a free one unless set). They must differ: Kafka refuses two listeners on one port.
     */
    static int[] kafkaPorts() {
        int port = Settings.getInt("TALLY_KAFKA_EMBEDDED_PORT", 9092);
        Ports.requireFree(port, "embedded Kafka", "TALLY_KAFKA_EMBEDDED_PORT");
        int controllerPort = Settings.getInt("TALLY_KAFKA_EMBEDDED_CONTROLLER_PORT", 0);
        if (controllerPort == 0) {
            controllerPort = Ports.freePortOtherThan(port);
        } else if (controllerPort == port) {
            throw new StartupException("TALLY_KAFKA_EMBEDDED_CONTROLLER_PORT and TALLY_KAFKA_EMBEDDED_PORT are both "
                    + port + ": the embedded broker needs two different ports");
        } else {
            Ports.requireFree(controllerPort, "embedded Kafka controller", "TALLY_KAFKA_EMBEDDED_CONTROLLER_PORT");
        }
        return new int[] {port, controllerPort};
    }

    /**
     * PostgreSQL's port ({@code TALLY_POSTGRES_EMBEDDED_PORT}, a free one unless set): none of the
     * embedded broker's, which are chosen first but bound only once the broker is up.
     */
    static int postgresPort(int... kafkaPorts) {
        int port = Settings.getInt("TALLY_POSTGRES_EMBEDDED_PORT", 0);
        if (port == 0) {
            return Ports.freePortOtherThan(kafkaPorts);
        }
        for (int k : kafkaPorts) {
            if (k == port) {
                throw new StartupException("TALLY_POSTGRES_EMBEDDED_PORT is " + port
                        + ", a port of the embedded Kafka broker: give PostgreSQL another");
            }
        }
        Ports.requireFree(port, "embedded PostgreSQL", "TALLY_POSTGRES_EMBEDDED_PORT");
        return port;
    }

    /**
     * The broker takes seconds (most of a warm start) and nothing before Quarkus needs it: its address
     * is known now, so the clients are configured at once, and the broker starts on its own thread
     * while PostgreSQL and Quarkus start. Producers and consumers reach it when it is up (see
     * {@code KafkaStartup}); its ports were checked before ({@link #kafkaPorts()}), so a clash still stops start-up at once.
     */
    private static CompletableFuture<EmbeddedKafka> startKafkaInBackground(DataDir dataDir, int[] ports) {
        int port = ports[0];
        int controllerPort = ports[1];
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir.resolve("kafka"), port, controllerPort);
        System.setProperty("tally.kafka.bootstrap-servers", kafka.bootstrapServers());
        System.setProperty("tally.kafka.embedded-broker", "true");
        CompletableFuture<EmbeddedKafka> started = new CompletableFuture<>();
        StartGate.BROKER.opening(started);
        return inBackground(started, kafka::start, Phase.BROKER, "tally-embedded-kafka-start");
    }

    /**
     * PostgreSQL takes one to two seconds on a warm start (initdb too on the first), and Quarkus'
     * boot until Flyway does not need it: it starts on its own thread, and {@link StartGate#DATABASE}
     * holds Flyway until it listens.
     */
    static CompletableFuture<EmbeddedDatabase> startDatabaseInBackground(EmbeddedDatabase db) {
        CompletableFuture<EmbeddedDatabase> started = new CompletableFuture<>();
        StartGate.DATABASE.opening(started);
        return inBackground(started, db::start, Phase.POSTGRES, "tally-embedded-postgres-start");
    }

    /** Runs {@code start} on a daemon thread of its own, completing {@code started} and timing {@code phase}. */
    private static <T> CompletableFuture<T> inBackground(
            CompletableFuture<T> started, Supplier<T> start, Phase phase, String threadName) {
        Thread t = new Thread(
                () -> {
                    long t0 = System.nanoTime();
                    try {
                        started.complete(start.get());
                        StartupPhases.endedNow(phase, t0);
                    } catch (RuntimeException | Error e) {
                        started.completeExceptionally(e);
                    }
                },
                threadName);
        t.setDaemon(true);
        t.start();
        return started;
    }

    /** Waits for an external Kafka, unless this instance is a gateway only (see {@link Role#waitForKafka}). */
    static void awaitKafkaIfNeeded(Set<Role> roles, String bootstrap, Duration wait) {
        if (Role.waitForKafka(roles)) {
            awaitKafka(bootstrap, wait);
        } else {
            LOG.infof(
                    "gateway role: starting without waiting for Kafka at %s (usage events spool until it answers)",
                    bootstrap);
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

    /** The embedded broker's start, when there is one: completes when it is up, or with why it failed. */
    public Optional<CompletableFuture<EmbeddedKafka>> kafka() {
        return Optional.ofNullable(kafka);
    }

    /** The embedded database's start, when there is one: completes when it listens, or with why it failed. */
    public Optional<CompletableFuture<EmbeddedDatabase>> database() {
        return Optional.ofNullable(database);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (kafka != null) {
            stopWhenStarted(kafka, "Kafka broker");
            StartGate.BROKER.closed();
        }
        if (database != null) {
            stopWhenStarted(database, "PostgreSQL");
            StartGate.DATABASE.closed();
        }
        dataDir.close();
    }

    /**
     * A service still starting is let finish (a broker start cut short by a shutdown can leave its log
     * half-recovered for the next start; a PostgreSQL start would leave its server running), then
     * stopped; one that failed has nothing to stop.
     */
    private static void stopWhenStarted(CompletableFuture<? extends AutoCloseable> service, String what) {
        try {
            service.get(START_GRACE.toSeconds(), TimeUnit.SECONDS).close();
        } catch (ExecutionException e) {
            // it never started
        } catch (TimeoutException e) {
            LOG.warnf("embedded %s still starting after %d s: not stopped cleanly", what, START_GRACE.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("embedded %s did not stop cleanly: %s", what, e.getMessage());
        }
    }
}
