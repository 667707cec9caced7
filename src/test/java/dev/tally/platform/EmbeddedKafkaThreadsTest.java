package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker runs every thread of its own in {@link EmbeddedKafka#THREADS}, at the lowest
 * priority (the launcher's {@code -XX:ThreadPriorityPolicy=1} turns that into nice +4), while the
 * clients' threads in the same JVM keep theirs; a failed start still says why.
 */
class EmbeddedKafkaThreadsTest {

    /** Threads the broker itself runs, by Kafka's names for them; clients' threads do not match. */
    private static final List<String> BROKER_THREAD_NAMES =
            List.of("kafka-request-handler", "kafka-network-thread", "raft-io-thread");

    @TempDir
    Path dir;

    @Test
    void theBrokersThreadsRunAtTheLowestPriorityAndTheClientsDoNot() throws Exception {
        // the suite's JVM holds other brokers and clients (and Quarkus' class loaders their own copy of
        // the group): only the threads that appear from here on are this test's
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), Ports.freePort(), Ports.freePort()).start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            // traffic, so that the threads the broker makes on demand exist too
            admin.createTopics(List.of(new NewTopic("threads.t", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>("threads.t", "k", "v")).get(30, TimeUnit.SECONDS);

            Set<Thread> started = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t))
                    .collect(Collectors.toSet());
            Set<Thread> brokers = started.stream()
                    .filter(t -> BROKER_THREAD_NAMES.stream().anyMatch(t.getName()::contains))
                    .collect(Collectors.toSet());
            assertThat(brokers.stream().map(Thread::getName))
                    .as("the broker's request handlers, network threads and raft thread are running")
                    .anySatisfy(n -> assertThat(n).contains("kafka-request-handler"))
                    .anySatisfy(n -> assertThat(n).contains("kafka-network-thread"))
                    .anySatisfy(n -> assertThat(n).contains("raft-io-thread"));
            assertThat(brokers)
                    .allSatisfy(
                            t -> assertThat(t.getThreadGroup()).as(t.getName()).isSameAs(EmbeddedKafka.THREADS));

            List<Thread> grouped = started.stream()
                    .filter(t -> t.getThreadGroup() == EmbeddedKafka.THREADS)
                    .toList();
            assertThat(grouped).hasSizeGreaterThan(brokers.size());
            assertThat(grouped)
                    .allSatisfy(t -> assertThat(t.getPriority()).as(t.getName()).isEqualTo(Thread.MIN_PRIORITY));

            List<Thread> clients = started.stream()
                    .filter(t -> t.getName().startsWith("kafka-producer-network-thread")
                            || t.getName().startsWith("kafka-admin-client-thread"))
                    .toList();
            assertThat(clients).hasSize(2);
            assertThat(clients).allSatisfy(t -> {
                assertThat(t.getThreadGroup()).as(t.getName()).isNotSameAs(EmbeddedKafka.THREADS);
                assertThat(t.getPriority()).as(t.getName()).isEqualTo(Thread.NORM_PRIORITY);
            });
        }
    }

    @Test
    void aBrokerThatCannotStartSaysWhyOnTheCallersThread() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), taken.getLocalPort(), Ports.freePort());
            assertThatThrownBy(kafka::start)
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("embedded Kafka broker could not start on 127.0.0.1:" + taken.getLocalPort());
            kafka.close();
        }
    }
}
