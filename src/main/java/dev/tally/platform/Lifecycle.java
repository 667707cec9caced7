package dev.tally.platform;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

/** Logs what this instance runs and where its data is. */
@ApplicationScoped
public class Lifecycle {

    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final Roles roles;
    private final TallyConfig config;

    public Lifecycle(Roles roles, TallyConfig config) {
        this.roles = roles;
        this.config = config;
    }

    void onStart(@Observes @Priority(1) StartupEvent ev) {
        LOG.infof(
                "Tally roles %s, Kafka at %s, data in %s",
                roles.all(), config.kafka().bootstrapServers(), config.dataDir());
    }
}
