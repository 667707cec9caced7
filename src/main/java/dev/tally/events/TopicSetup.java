package dev.tally.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

import dev.tally.platform.KafkaClients;
import dev.tally.platform.StartupException;

/**
 * Applies {@code kafka/topics.conf} through the AdminClient: creates missing topics, never deletes or
 * alters one, and warns when an existing topic differs from its definition. {@link KafkaStartup}
 * runs it at start, once Kafka answers.
 */
@ApplicationScoped
public class TopicSetup {

    private static final Logger LOG = Logger.getLogger(TopicSetup.class);

    private final KafkaClients clients;

    public TopicSetup(KafkaClients clients) {
        this.clients = clients;
    }

    public void apply(List<TopicDefinition> definitions) {
        apply(definitions, Duration.ofSeconds(30));
    }

    /**
     * @param timeout for each call to Kafka; the first is the one that waits for the cluster to answer
     * @throws StartupException when Kafka does not answer in time or refuses the set-up
     */
    public void apply(List<TopicDefinition> definitions, Duration timeout) {
        long wait = timeout.toMillis();
        Map<String, Object> props = clients.common("tally-topic-setup");
        // a broker that is still starting refuses connections: try again soon rather than after
        // the client's default back-off of up to a second, which would delay every start
        props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 20);
        props.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 100);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) wait);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(wait, 30_000));
        try (Admin admin = Admin.create(props)) {
            int brokers = admin.describeCluster()
                    .nodes()
                    .get(wait, TimeUnit.MILLISECONDS)
                    .size();
            Set<String> existing = admin.listTopics().names().get(wait, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicDefinition d : definitions) {
                if (!existing.contains(d.name())) {
                    short rf = (short) Math.max(1, Math.min(d.replication(), brokers));
                    missing.add(new NewTopic(d.name(), d.partitions(), rf)
                            .configs(Map.of(
                                    TopicConfig.RETENTION_MS_CONFIG, String.valueOf(d.retentionMs()),
                                    TopicConfig.CLEANUP_POLICY_CONFIG, d.cleanupPolicy())));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(wait, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                LOG.infof(
                        "created Kafka topics %s",
                        missing.stream().map(NewTopic::name).toList());
            }
            try {
                warnOnMismatch(admin, definitions, brokers, wait);
            } catch (ExecutionException | TimeoutException e) {
                // Advisory only: right after createTopics the broker may not yet describe the new
                // topics ("does not host this topic-partition"); that must not fail start-up.
                LOG.warnf(
                        "could not compare Kafka topics with kafka/topics.conf: %s",
                        e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while creating Kafka topics");
        } catch (ExecutionException | TimeoutException e) {
            String why = e instanceof TimeoutException
                    ? "no answer within " + timeout.toSeconds() + " s"
                    : e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            throw new StartupException(
                    "Kafka at " + clients.bootstrapServers() + " did not accept the topic set-up (" + why
                            + "): check TALLY_KAFKA_BOOTSTRAP_SERVERS and the client security settings",
                    e);
        }
    }

    private void warnOnMismatch(Admin admin, List<TopicDefinition> defs, int brokers, long wait)
            throws InterruptedException, ExecutionException, TimeoutException {
        Collection<String> names = defs.stream().map(TopicDefinition::name).toList();
        Map<String, TopicDescription> desc =
                admin.describeTopics(names).allTopicNames().get(wait, TimeUnit.MILLISECONDS);
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                .toList();
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(resources).all().get(wait, TimeUnit.MILLISECONDS);
        for (TopicDefinition d : defs) {
            TopicDescription t = desc.get(d.name());
            if (t.partitions().size() != d.partitions()) {
                LOG.warnf(
                        "topic %s has %d partitions, kafka/topics.conf says %d (left as it is)",
                        d.name(), t.partitions().size(), d.partitions());
            }
            int rf = t.partitions().get(0).replicas().size();
            int wanted = Math.min(d.replication(), brokers);
            if (rf != wanted) {
                LOG.warnf(
                        "topic %s has replication %d, kafka/topics.conf says %d (left as it is)", d.name(), rf, wanted);
            }
            Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, d.name()));
            check(d.name(), c, TopicConfig.RETENTION_MS_CONFIG, String.valueOf(d.retentionMs()));
            check(d.name(), c, TopicConfig.CLEANUP_POLICY_CONFIG, d.cleanupPolicy());
        }
    }

    private static void check(String topic, Config c, String key, String wanted) {
        var entry = c.get(key);
        if (entry != null && !wanted.equals(entry.value())) {
            LOG.warnf(
                    "topic %s has %s=%s, kafka/topics.conf says %s (left as it is)", topic, key, entry.value(), wanted);
        }
    }
}
