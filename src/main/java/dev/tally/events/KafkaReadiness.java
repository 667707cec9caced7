package dev.tally.events;

import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.tally.platform.KafkaClients;
import dev.tally.platform.Roles;

/**
 * Readiness: Kafka has answered since start ({@link KafkaStartup}: topics set up) and answers a
 * describe-cluster call within two seconds now. An instance that runs only the gateway stays ready
 * while Kafka is unreachable, at start or later (reported in the check's data): its usage events go
 * to the durable spool, and taking every gateway out of the load balancer during a Kafka outage
 * would stop all model calls, which the spool exists to prevent.
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    static final String SPOOLING = "Kafka unreachable: usage events are spooled";

    private final Admin admin;
    private final String bootstrap;
    private final boolean gatewayOnly;
    private final KafkaStartup startup;

    public KafkaReadiness(KafkaClients clients, Roles roles, KafkaStartup startup) {
        this.gatewayOnly = !roles.waitForKafka();
        this.startup = startup;
        var props = clients.common("tally-health");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        this.admin = Admin.create(props);
        this.bootstrap = clients.bootstrapServers();
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("Kafka").withData("bootstrap.servers", bootstrap);
        if (startup.state() == KafkaStartup.State.WAITING) {
            builder.withData("startup", "waiting for Kafka to answer and the topics to be set up");
            if (startup.lastError() != null) {
                builder.withData("error", startup.lastError());
            }
            return unreachable(builder);
        }
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                    .nodes()
                    .get(3, TimeUnit.SECONDS)
                    .size();
            return builder.up().withData("brokers", nodes).build();
        } catch (Exception e) {
            builder.withData("error", String.valueOf(e.getMessage()));
            return unreachable(builder);
        }
    }

    private HealthCheckResponse unreachable(HealthCheckResponseBuilder builder) {
        if (gatewayOnly) {
            return builder.up().withData("degraded", SPOOLING).build();
        }
        return builder.down().build();
    }

    @PreDestroy
    void close() {
        admin.close();
    }
}
