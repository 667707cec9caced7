package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker keeps its metrics off JMX (an MBean per metric is start-up work nobody reads
 * from an in-process broker); Kafka clients in the same JVM keep their JMX metrics as Kafka sets them.
 */
class EmbeddedKafkaJmxTest {

    @TempDir
    Path dir;

    @Test
    void theBrokerRegistersNoMetricsMBeansWhileItsClientsDo() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        String clientId = "jmx-probe-" + UUID.randomUUID();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), Ports.freePort(), Ports.freePort()).start();
                Admin admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        AdminClientConfig.CLIENT_ID_CONFIG,
                        clientId))) {
            // traffic through the broker's listener, whose network threads keep socket-server metrics
            admin.createTopics(List.of(new NewTopic("jmx.t", 1, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);

            assertThat(jmx.queryNames(
                            new ObjectName("kafka.admin.client:type=admin-client-metrics,client-id=" + clientId), null))
                    .as("a client's metrics on JMX, as Kafka registers them")
                    .hasSize(1);
            // every broker in this JVM is an EmbeddedKafka, so none may have registered these
            assertThat(jmx.queryNames(new ObjectName("kafka.server:type=socket-server-metrics,*"), null))
                    .as("the broker's own metrics on JMX")
                    .isEmpty();
            assertThat(jmx.queryNames(new ObjectName("kafka.server:type=BrokerTopicMetrics,*"), null))
                    .as("the broker's Yammer metrics on JMX")
                    .isEmpty();
        }
    }
}
