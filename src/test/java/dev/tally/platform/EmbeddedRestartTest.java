package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker and database keep topics, messages, offsets and rows across a restart. */
class EmbeddedRestartTest {

    @TempDir
    Path dir;

    @Test
    void topicsMessagesOffsetsAndRowsSurviveARestart() throws Exception {
        int kafkaPort = Ports.freePort();
        int pgPort = Ports.freePort();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), kafkaPort, Ports.freePort()).start();
                EmbeddedDatabase db =
                        new EmbeddedDatabase(dir.resolve("pg"), TallyServices.sharedBinaries(), pgPort).start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("restart.t", 1, (short) 1)))
                        .all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                    StringSerializer.class))) {
                p.send(new ProducerRecord<>("restart.t", "k", "first")).get();
                p.send(new ProducerRecord<>("restart.t", "k", "second")).get();
            }
            // consume and commit the first message only
            try (KafkaConsumer<String, String> c = consumer(kafka)) {
                c.subscribe(List.of("restart.t"));
                Awaitility.await()
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> !c.poll(Duration.ofMillis(200)).isEmpty()
                                || !c.assignment().isEmpty()
                                        && c.position(c.assignment().iterator().next()) > 0);
                c.seek(c.assignment().iterator().next(), 1);
                c.commitSync();
            }
            try (Connection con = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
                con.createStatement().execute("CREATE TABLE kept (v text)");
                con.createStatement().execute("INSERT INTO kept VALUES ('row survives')");
            }
        }

        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), kafkaPort, Ports.freePort()).start();
                EmbeddedDatabase db =
                        new EmbeddedDatabase(dir.resolve("pg"), TallyServices.sharedBinaries(), pgPort).start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertThat(names).contains("restart.t");
            }
            try (KafkaConsumer<String, String> c = consumer(kafka)) {
                c.subscribe(List.of("restart.t"));
                StringBuilder seen = new StringBuilder();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                    c.poll(Duration.ofMillis(200)).forEach(r -> seen.append(r.value()));
                    return seen.length() > 0;
                });
                // the committed offset survived: the group resumes at the second message
                assertThat(seen.toString()).isEqualTo("second");
            }
            try (Connection con = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                    ResultSet rs = con.createStatement().executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("row survives");
            }
        }
    }

    @Test
    void aPostgresLeftRunningByAKilledTallyIsStoppedAndItsRowsKept() throws Exception {
        int orphanPort = Ports.freePort();
        Process jvm = OrphanPostgresMain.launch(dir.resolve("pg"), TallyServices.sharedBinaries(), orphanPort);
        jvm.destroyForcibly().waitFor();
        assertThat(Ports.reachable("127.0.0.1", orphanPort, 500))
                .as("PostgreSQL outlives the killed JVM")
                .isTrue();

        try (EmbeddedDatabase db = new EmbeddedDatabase(
                                dir.resolve("pg"), TallyServices.sharedBinaries(), Ports.freePort())
                        .start();
                Connection con = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                ResultSet rs = con.createStatement().executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("committed before the kill");
            assertThat(Ports.reachable("127.0.0.1", orphanPort, 500))
                    .as("the orphan server is gone")
                    .isFalse();
        }
    }

    @Test
    void aSecondInstanceOnTheSameDataDirIsRefused() {
        try (DataDir first = DataDir.open(dir.resolve("data"))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> DataDir.open(dir.resolve("data")))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("in use by another Tally");
        }
    }

    @Test
    void unknownRoleIsRefusedWithTheValidOnes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Role.parse("gateway,reporting"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("unknown role 'reporting'")
                .hasMessageContaining("gateway, aggregator, dashboard");
    }

    @Test
    void occupiedPortIsRefusedNamingTheVariable() throws Exception {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> Ports.requireFree(s.getLocalPort(), "embedded Kafka", "TALLY_KAFKA_EMBEDDED_PORT"))
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("TALLY_KAFKA_EMBEDDED_PORT");
        }
    }

    @Test
    void unreachableExternalServicesFailNamingTheServiceAndAddress() {
        int closed = Ports.freePort();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> EmbeddedServices.awaitKafka("127.0.0.1:" + closed, Duration.ofSeconds(1)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("Kafka at 127.0.0.1:" + closed + " is unreachable")
                .hasMessageContaining("TALLY_KAFKA_BOOTSTRAP_SERVERS");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddedServices.awaitDatabase(
                        "jdbc:postgresql://127.0.0.1:" + closed + "/tally", Duration.ofSeconds(1)))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("PostgreSQL at 127.0.0.1:" + closed + " is unreachable")
                .hasMessageContaining("QUARKUS_DATASOURCE_JDBC_URL");
    }

    @Test
    void onlyAGatewayStartsWithoutWaitingForAnUnreachableKafka() {
        int closed = Ports.freePort();
        String bootstrap = "127.0.0.1:" + closed;
        // returns: the gateway serves and spools its events until Kafka answers
        EmbeddedServices.awaitKafkaIfNeeded(Role.parse("gateway"), bootstrap, Duration.ofSeconds(1));
        for (String roles : List.of("aggregator", "dashboard", "gateway,aggregator", "gateway,dashboard")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                            EmbeddedServices.awaitKafkaIfNeeded(Role.parse(roles), bootstrap, Duration.ofSeconds(1)))
                    .as(roles)
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("Kafka at " + bootstrap + " is unreachable");
        }
    }

    private static KafkaConsumer<String, String> consumer(EmbeddedKafka kafka) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "restart-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class));
    }
}
