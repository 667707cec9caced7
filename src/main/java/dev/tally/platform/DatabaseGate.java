package dev.tally.platform;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The embedded PostgreSQL starts on its own thread beside Quarkus' boot (its address, user and
 * password are known before it listens), and the first part of Quarkus that needs the database,
 * Flyway at start ({@link FlywayStartup}), waits here until it accepts connections. Everything in
 * Quarkus that reads the database runs after Flyway, so nothing else waits.
 */
public final class DatabaseGate {

    /** The embedded database's start, while one is starting or started; null otherwise. */
    private static volatile CompletableFuture<?> starting;

    private DatabaseGate() {}

    /** Called by {@link EmbeddedServices} when it starts the embedded database in the background. */
    static void opening(CompletableFuture<?> start) {
        starting = start;
    }

    /** Forgets the start (the embedded services were closed). */
    static void closed() {
        starting = null;
    }

    /**
     * Returns once the embedded database accepts connections, at once where none is starting (an
     * external database, or Quarkus started by the tests); throws when its start failed.
     */
    public static void await() {
        CompletableFuture<?> s = starting;
        if (s == null) {
            return;
        }
        try {
            s.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StartupException se) {
                throw se;
            }
            throw new StartupException("the embedded PostgreSQL did not start: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while waiting for the embedded PostgreSQL", e);
        }
    }
}
