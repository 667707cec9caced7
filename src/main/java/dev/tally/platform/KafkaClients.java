package dev.tally.platform;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.CommonClientConfigs;

/**
 * The one place that knows how to reach Kafka: bootstrap servers plus the standard client security
 * properties, so that SASL/TLS settings reach every producer, consumer and admin client alike.
 */
@ApplicationScoped
public class KafkaClients {

    static final String ENV_PREFIX = "TALLY_KAFKA_CLIENT_";

    private final TallyConfig config;

    public KafkaClients(TallyConfig config) {
        this.config = config;
    }

    public String bootstrapServers() {
        return config.kafka().bootstrapServers();
    }

    /** Base properties for any Kafka client; callers add their own serializers, group ids and so on. */
    public Map<String, Object> common(String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        props.putAll(config.kafka().clientProperties());
        props.putAll(fromEnvironment(System.getenv()));
        return props;
    }

    /** TALLY_KAFKA_CLIENT_SASL_JAAS_CONFIG=… → sasl.jaas.config=… */
    static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new HashMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
                out.put(
                        k.substring(ENV_PREFIX.length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        v);
            }
        });
        return out;
    }
}
