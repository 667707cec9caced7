package dev.tally.platform;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/** Logs what this instance runs and where to look; validates the roles once more inside Quarkus. */
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
        LOG.infof("Tally roles %s, Kafka at %s, data in %s", roles.all(), config.kafka().bootstrapServers(),
                config.dataDir());
    }

    /**
     * Runs after every other shutdown observer (highest priority value last), so consumers and the
     * producer have flushed before the embedded broker and database go away.
     */
    void onStop(@Observes @Priority(Integer.MAX_VALUE) ShutdownEvent ev) {
        TallyMain.stopEmbedded();
    }
}
