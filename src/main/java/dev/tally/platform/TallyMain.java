package dev.tally.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.LoggerFactory;

import io.quarkus.runtime.Application;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import dev.tally.platform.StartupPhases.Phase;
import dev.tally.platform.time.OrgCalendar;

/**
 * Entry point of {@code java -jar quarkus-run.jar}. Starts the embedded database and the embedded
 * broker (when no external ones are configured) beside Quarkus' boot, since their addresses are known
 * at once (Flyway waits for the database, see {@link StartGate}); stops them after Quarkus has
 * stopped, so the app's last writes land.
 */
@QuarkusMain
public class TallyMain {

    private static volatile EmbeddedServices services;

    public static void main(String... args) {
        Instant now = Instant.now();
        StartupPhases.record(Phase.JVM, Duration.between(StartupPhases.jvmStart(), now));
        defaultEventLoops();
        // SLF4J (the broker's and Netty's logging) initialises on its first use; done here, before the
        // broker's and the database's threads start beside Quarkus, so no two threads race to do it
        // (the loser prints "SLF4J(W): ... substitute loggers" warnings at the top of the log)
        LoggerFactory.getILoggerFactory();
        try {
            Settings.get(OrgCalendar.SETTING).ifPresent(OrgCalendar::zone);
            services = EmbeddedServices.startFromSettings();
        } catch (StartupException e) {
            System.err.println("tally: " + e.getMessage());
            System.exit(2);
            return;
        }
        // the broker and the database start beside Quarkus: a failure of either stops the process with
        // its one-line message, as it did when they started first
        services.kafka().ifPresent(TallyMain::exitIfItFails);
        services.database().ifPresent(TallyMain::exitIfItFails);
        // Quarkus stops itself from its own shutdown hook on Ctrl-C/SIGTERM, and the JVM may halt
        // before this thread's finally runs; this hook waits for Quarkus to finish stopping (so the
        // producer and the aggregator flush first) and then stops the broker and the database.
        Runtime.getRuntime().addShutdownHook(new Thread(TallyMain::stopAfterQuarkus, "tally-embedded-stop"));
        try {
            StartupPhases.quarkusStarting();
            Quarkus.run(args);
        } finally {
            stopEmbedded();
        }
    }

    /** Set when the process begins to stop: a start that fails then is part of stopping, not an error. */
    private static volatile boolean stopping;

    private static void exitIfItFails(CompletableFuture<?> start) {
        start.whenComplete((started, failure) -> {
            if (failure != null && !stopping) {
                System.err.println("tally: " + failure.getMessage());
                // never exit on the thread that completed the start: during a SIGTERM that can be the
                // shutdown hook waiting for this start, and System.exit inside a hook blocks for ever
                Thread exit = new Thread(() -> System.exit(2), "tally-exit");
                exit.setDaemon(true);
                exit.start();
            }
        });
    }

    static final String EVENT_LOOPS = "quarkus.vertx.event-loops-pool-size";

    /**
     * One Vert.x event loop per core, as nginx runs one worker per core (Vert.x's own default is two
     * per core): the gateway's handlers never block, so more loops than cores only add context
     * switches; on the 2-core bench machine two loops served about 15 % more calls per second than
     * four (docs/gateway.md, "How it is built"). {@code QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE} or the system property
     * still wins.
     */
    static void defaultEventLoops() {
        if (System.getProperty(EVENT_LOOPS) == null && System.getenv("QUARKUS_VERTX_EVENT_LOOPS_POOL_SIZE") == null) {
            System.setProperty(
                    EVENT_LOOPS, Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
    }

    private static void stopAfterQuarkus() {
        stopping = true;
        Application app = Application.currentApplication();
        if (app != null) {
            Thread waiter = new Thread(app::awaitShutdown, "tally-await-quarkus-stop");
            waiter.setDaemon(true);
            waiter.start();
            try {
                waiter.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopEmbedded();
    }

    /** Idempotent: runs once Quarkus has stopped (normal exit, Ctrl-C or SIGTERM). */
    static void stopEmbedded() {
        EmbeddedServices s = services;
        if (s != null) {
            s.close();
        }
    }
}
