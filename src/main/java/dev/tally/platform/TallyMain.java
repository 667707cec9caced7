package dev.tally.platform;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of {@code java -jar quarkus-run.jar}. Starts the embedded broker and database (when no
 * external ones are configured) before Quarkus, because the datasource and the Kafka clients read
 * their addresses at start; stops them after Quarkus has stopped, so the app's last writes land.
 */
@QuarkusMain
public class TallyMain {

    private static volatile EmbeddedServices services;

    public static void main(String... args) {
        try {
            services = EmbeddedServices.startFromSettings();
        } catch (StartupException e) {
            System.err.println("tally: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            Quarkus.run(args);
        } finally {
            stopEmbedded();
        }
    }

    /** Idempotent; also called from the shutdown observer, whichever comes first after Quarkus stops. */
    static void stopEmbedded() {
        EmbeddedServices s = services;
        if (s != null) {
            s.close();
        }
    }
}
