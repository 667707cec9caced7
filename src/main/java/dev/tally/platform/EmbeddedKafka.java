package dev.tally.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.jboss.logging.Logger;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;

/**
 * A real Apache Kafka broker in this JVM: KRaft, one node that is both controller and broker,
 * listening on 127.0.0.1 only. Its log lives under the given directory; the storage is formatted
 * once (cluster id kept in meta.properties) and reused on every later start, so topics, messages
 * and committed offsets survive a restart.
 *
 * <p>The broker's threads belong to {@link #THREADS}, whose priority is capped at
 * {@link Thread#MIN_PRIORITY}: the broker starts on a thread of that group, every thread Kafka makes
 * after that inherits the group, and the cap holds even where a thread factory sets a normal
 * priority. The JVM maps that to nice +4 under {@code -XX:ThreadPriorityPolicy=1}, which {@code ./tally}
 * sets when it may (docs/startup.md#the-jits-priority), so in the all-in-one default a saturated
 * gateway's event loops and the JIT come before the broker, whose work (the usage events) is
 * asynchronous and spooled when it falls behind. Without that flag Linux ignores Java priorities and
 * nothing changes.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    /** The group of every thread the embedded brokers of this JVM run, capped at the lowest priority. */
    static final ThreadGroup THREADS = lowPriorityGroup();

    private static ThreadGroup lowPriorityGroup() {
        ThreadGroup group = new ThreadGroup("tally-embedded-kafka");
        group.setMaxPriority(Thread.MIN_PRIORITY);
        return group;
    }

    private final Path logDir;
    private final int port;
    private final int controllerPort;
    private KafkaRaftServer server;

    public EmbeddedKafka(Path logDir, int port, int controllerPort) {
        this.logDir = logDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Starts the broker on a thread of {@link #THREADS} and returns once it is up. */
    public synchronized EmbeddedKafka start() {
        FutureTask<EmbeddedKafka> start = new FutureTask<>(this::startHere);
        Thread thread = new Thread(THREADS, start, "tally-embedded-kafka-startup");
        thread.setDaemon(true);
        thread.start();
        try {
            return start.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new StartupException(
                    "embedded Kafka broker could not start on 127.0.0.1:" + port + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while the embedded Kafka broker started", e);
        }
    }

    private EmbeddedKafka startHere() {
        try {
            Files.createDirectories(logDir);
            Map<String, String> props = brokerProperties();
            if (!Files.exists(logDir.resolve("meta.properties"))) {
                new Formatter()
                        .setPrintStream(System.out)
                        .setNodeId(NODE_ID)
                        .setClusterId(Uuid.randomUuid().toString())
                        .setDirectories(List.of(logDir.toString()))
                        .setMetadataLogDirectory(logDir.toString())
                        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                        .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                        .setControllerListenerName("CONTROLLER")
                        .setIgnoreFormatted(true)
                        .run();
            }
            Properties p = new Properties();
            p.putAll(props);
            server = new KafkaRaftServer(new KafkaConfig(p, false), Time.SYSTEM);
            server.startup();
            LOG.infof("embedded Kafka broker listening on %s (data in %s)", bootstrapServers(), logDir);
            return this;
        } catch (StartupException e) {
            throw e;
        } catch (Exception e) {
            throw new StartupException(
                    "embedded Kafka broker could not start on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
    }

    private Map<String, String> brokerProperties() {
        return Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", String.valueOf(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("log.dirs", logDir.toString()),
                Map.entry("metadata.log.dir", logDir.toString()),
                Map.entry("num.partitions", "3"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "3"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("log.flush.interval.ms", "1000"),
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("background.threads", "2"),
                Map.entry("log.cleaner.threads", "1"),
                Map.entry("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024)),
                // no JMX MBean per metric, of either of Kafka's metrics libraries: nobody reads them
                // from an in-process broker, and registering them is start-up work on its path
                Map.entry("metric.reporters", ""),
                Map.entry("metrics.jmx.exclude", ".*"));
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            LOG.info("stopping embedded Kafka broker");
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
