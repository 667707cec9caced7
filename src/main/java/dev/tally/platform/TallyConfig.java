package dev.tally.platform;

import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Settings shared by every part of Tally. Feature packages have their own mappings. */
@ConfigMapping(prefix = "tally")
public interface TallyConfig {

    /** Which parts start: a comma list of gateway, aggregator, dashboard. */
    @WithDefault("gateway,aggregator,dashboard")
    String roles();

    /** Where the embedded broker, database, spool and generated admin token live. */
    @WithDefault("./data")
    String dataDir();

    /** Admin API credential; when unset one is generated into the data directory. */
    Optional<String> adminToken();

    /**
     * Where people reach Tally's pages ({@code https://tally.example.com}), for the links Tally puts
     * in messages (a revoked key's 401 says where to make a new one). Unset: the address the request
     * came to, which is right unless a proxy in front rewrites the Host header.
     */
    Optional<String> publicUrl();

    /**
     * The organisation's IANA time zone ({@code TALLY_TIMEZONE}): where a day, an ISO week, a month
     * and a quarter begin, for the rollups' days, the reports' periods and budgets. See
     * {@link dev.tally.platform.time.OrgCalendar}.
     */
    @WithDefault("UTC")
    String timezone();

    Kafka kafka();

    Startup startup();

    interface Startup {
        /**
         * How long start-up waits for an external Kafka or PostgreSQL before it stops naming the
         * address ({@code TALLY_STARTUP_WAIT_SECONDS}); a gateway-only instance does not wait for Kafka.
         */
        @WithDefault("30")
        int waitSeconds();
    }

    interface Kafka {
        /** Bootstrap servers; set by the embedded broker when no external cluster is configured. */
        @WithDefault("127.0.0.1:9092")
        String bootstrapServers();

        /**
         * Extra Kafka client properties passed through unchanged to every producer, consumer and
         * admin client (SASL/TLS): {@code tally.kafka.properties."security.protocol"=SASL_SSL}. The
         * environment form is {@code TALLY_KAFKA_CLIENT_SECURITY_PROTOCOL} (see {@link KafkaClients}).
         */
        @WithName("properties")
        Map<String, String> clientProperties();

        /**
         * True when this process runs the in-process broker ({@link EmbeddedServices} sets it; not a
         * user setting): start-up then waits for that broker however long it takes, since a broker
         * that fails to start stops the process itself.
         */
        @WithDefault("false")
        boolean embeddedBroker();
    }
}
