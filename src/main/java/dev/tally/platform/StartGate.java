package dev.tally.platform;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The embedded PostgreSQL and the embedded broker start on threads of their own beside Quarkus' boot
 * (their addresses are known before they listen), and the first thing that needs each waits at its
 * gate until it is up: Flyway at start ({@link FlywayStartup}) for the database, so everything in
 * Quarkus that reads it, which runs after Flyway, does not wait; the topic set-up at start
 * ({@code KafkaStartup}) for the broker, so its first connection finds it listening rather than
 * retrying into a back-off.
 */
public final class StartGate {

    public static final StartGate DATABASE = new StartGate("the embedded PostgreSQL");
    public static final StartGate BROKER = new StartGate("the embedded Kafka broker");

    private final String service;
    /** The service's start, while one is starting or started; null otherwise. */
    private volatile CompletableFuture<?> starting;

    private StartGate(String service) {
        this.service = service;
    }

    /** Called by {@link EmbeddedServices} when it starts the service in the background. */
    void opening(CompletableFuture<?> start) {
        starting = start;
    }

    /** Forgets the start (the embedded services were closed). */
    void closed() {
        starting = null;
    }

    /**
     * Returns once the service is up, at once where none is starting (an external one, or Quarkus
     * started by the tests); throws when its start failed or the wait was interrupted.
     */
    public void await() {
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
            throw new StartupException(service + " did not start: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while waiting for " + service, e);
        }
    }
}
