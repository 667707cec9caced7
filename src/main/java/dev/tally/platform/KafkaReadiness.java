package dev.tally.platform;

import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness: the Kafka cluster answers a describe-cluster call within two seconds. An instance that
 * runs only the gateway stays ready while Kafka is unreachable (reported in the check's data): its
 * usage events go to the durable spool, and taking every gateway out of the load balancer during a
 * Kafka outage would stop all model calls, which the spool exists to prevent.
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    private final Admin admin;
    private final String bootstrap;
    private final boolean gatewayOnly;

    public KafkaReadiness(KafkaClients clients, Roles roles) {
        this.gatewayOnly = roles.all().equals(java.util.Set.of(Role.GATEWAY));
        var props = clients.common("tally-health");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        this.admin = Admin.create(props);
        this.bootstrap = clients.bootstrapServers();
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("Kafka").withData("bootstrap.servers", bootstrap);
        try {
            int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                    .nodes().get(3, TimeUnit.SECONDS).size();
            return builder.up().withData("brokers", nodes).build();
        } catch (Exception e) {
            builder.withData("error", String.valueOf(e.getMessage()));
            if (gatewayOnly) {
                return builder.up().withData("degraded", "Kafka unreachable: usage events are spooled").build();
            }
            return builder.down().build();
        }
    }

    @PreDestroy
    void close() {
        admin.close();
    }
}
