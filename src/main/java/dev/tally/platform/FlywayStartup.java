package dev.tally.platform;

import java.util.Arrays;

import jakarta.inject.Singleton;

import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import io.quarkus.flyway.FlywayConfigurationCustomizer;

import dev.tally.platform.StartupPhases.Phase;

/**
 * Flyway at start is the first thing in Quarkus that needs the database: it waits here for the
 * embedded PostgreSQL, which starts beside Quarkus' boot ({@link StartGate#DATABASE}), then is timed for
 * the start-up report: from its configuration (resolving and reading the migration scripts
 * follows) to the end of {@code migrate}, validation included.
 */
@Singleton
public class FlywayStartup implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        StartGate.DATABASE.await();
        long start = System.nanoTime();
        Callback[] existing = configuration.getCallbacks();
        Callback[] all = Arrays.copyOf(existing, existing.length + 1);
        all[existing.length] = new Callback() {
            @Override
            public boolean supports(Event event, Context context) {
                return event == Event.AFTER_MIGRATE_OPERATION_FINISH;
            }

            @Override
            public boolean canHandleInTransaction(Event event, Context context) {
                return true;
            }

            @Override
            public void handle(Event event, Context context) {
                StartupPhases.endedNow(Phase.FLYWAY, start);
            }

            @Override
            public String getCallbackName() {
                return "tally-startup-timing";
            }
        };
        configuration.callbacks(all);
    }
}
