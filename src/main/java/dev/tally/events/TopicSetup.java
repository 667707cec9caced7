package dev.tally.events;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import dev.tally.platform.KafkaClients;
import dev.tally.platform.StartupException;
import io.quarkus.runtime.StartupEvent;

/**
 * Applies {@code kafka/topics.conf} at start through the AdminClient: creates missing topics, never
 * deletes or alters one, and warns when an existing topic differs from its definition.
 */
@ApplicationScoped
public class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private final KafkaClients clients;

    public TopicSetup(KafkaClients clients) {
        this.clients = clients;
    }

    void onStart(@Observes StartupEvent ev) {
        apply(TopicDefinition.load());
    }

    public void apply(List<TopicDefinition> definitions) {
        try (Admin admin = Admin.create(clients.common("tally-topic-setup"))) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicDefinition d : definitions) {
                if (!existing.contains(d.name())) {
                    short rf = (short) Math.max(1, Math.min(d.replication(), brokers));
                    missing.add(new NewTopic(d.name(), d.partitions(), rf).configs(Map.of(
                            TopicConfig.RETENTION_MS_CONFIG, String.valueOf(d.retentionMs()),
                            TopicConfig.CLEANUP_POLICY_CONFIG, d.cleanupPolicy())));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                LOG.infof("created Kafka topics %s", missing.stream().map(NewTopic::name).toList());
            }
            try {
                warnOnMismatch(admin, definitions, brokers);
            } catch (ExecutionException | TimeoutException e) {
                // Advisory only: right after createTopics the broker may not yet describe the new
                // topics ("does not host this topic-partition"); that must not fail start-up.
                LOG.warnf("could not compare Kafka topics with kafka/topics.conf: %s",
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while creating Kafka topics");
        } catch (ExecutionException | TimeoutException e) {
            throw new StartupException("Kafka at " + clients.bootstrapServers() + " did not accept the topic set-up ("
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + "): check TALLY_KAFKA_BOOTSTRAP_SERVERS and the client security settings", e);
        }
    }

    private void warnOnMismatch(Admin admin, List<TopicDefinition> defs, int brokers)
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<String> names = defs.stream().map(TopicDefinition::name).toList();
        Map<String, TopicDescription> desc = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
        for (TopicDefinition d : defs) {
            TopicDescription t = desc.get(d.name());
            if (t.partitions().size() != d.partitions()) {
                LOG.warnf("topic %s has %d partitions, kafka/topics.conf says %d (left as it is)",
                        d.name(), t.partitions().size(), d.partitions());
            }
            int rf = t.partitions().get(0).replicas().size();
            int wanted = Math.min(d.replication(), brokers);
            if (rf != wanted) {
                LOG.warnf("topic %s has replication %d, kafka/topics.conf says %d (left as it is)", d.name(), rf, wanted);
            }
            Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, d.name()));
            check(d.name(), c, TopicConfig.RETENTION_MS_CONFIG, String.valueOf(d.retentionMs()));
            check(d.name(), c, TopicConfig.CLEANUP_POLICY_CONFIG, d.cleanupPolicy());
        }
    }

    private static void check(String topic, Config c, String key, String wanted) {
        var entry = c.get(key);
        if (entry != null && !wanted.equals(entry.value())) {
            LOG.warnf("topic %s has %s=%s, kafka/topics.conf says %s (left as it is)", topic, key, entry.value(), wanted);
        }
    }

}
