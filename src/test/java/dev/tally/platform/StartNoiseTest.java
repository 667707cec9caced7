package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.logging.Handler;

import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.errors.TimeoutException;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The embedded broker's benign start records and Micrometer's duplicate connection gauge are kept off
 * the console, and nothing else is: checked against the console handler as application.properties
 * configures it.
 */
@QuarkusTest
@WithTestResource(TestStack.class)
class StartNoiseTest {

    /** The record as the embedded broker logged it on a warm start (3 Dec 2026), shortened. */
    private static final String RACE = "[ControllerApis nodeId=1] Unexpected error handling request "
            + "RequestHeader(apiKey=CONTROLLER_REGISTRATION, apiVersion=0, clientId=1, correlationId=0, "
            + "headerVersion=2) -- ControllerRegistrationRequestData(controllerId=1, zkMigrationReady=false)";

    private static ExtLogRecord error(String logger, String message, Throwable thrown) {
        ExtLogRecord r = new ExtLogRecord(Level.ERROR, message, ExtLogRecord.FormatStyle.NO_FORMAT, "test");
        r.setLoggerName(logger);
        r.setThrown(thrown);
        return r;
    }

    private static Throwable notController() {
        return new CompletionException(new NotControllerException("The active controller appears to be node 1."));
    }

    /** The console handlers as configured (at least one, or the test would check nothing). */
    private static List<Handler> consoleHandlers() {
        List<Handler> found = new ArrayList<>();
        collect(LogContext.getLogContext().getLogger("").getHandlers(), found);
        assertThat(found).as("console handlers").isNotEmpty();
        return found;
    }

    private static void collect(Handler[] handlers, List<Handler> found) {
        for (Handler h : handlers) {
            if (h instanceof ConsoleHandler) {
                found.add(h);
            }
            if (h instanceof ExtHandler ext) {
                collect(ext.getHandlers(), found);
            }
        }
    }

    @Test
    void theConsoleDropsTheRegistrationRace() {
        for (Handler console : consoleHandlers()) {
            assertThat(console.isLoggable(error(StartNoise.CONTROLLER_APIS, RACE, notController())))
                    .isFalse();
        }
    }

    @Test
    void theConsoleKeepsEveryOtherBrokerError() {
        for (Handler console : consoleHandlers()) {
            // same request, another failure
            assertThat(console.isLoggable(
                            error(StartNoise.CONTROLLER_APIS, RACE, new TimeoutException("registration timed out"))))
                    .isTrue();
            // same exception, another request
            assertThat(console.isLoggable(error(
                            StartNoise.CONTROLLER_APIS,
                            "[ControllerApis nodeId=1] Unexpected error handling request "
                                    + "RequestHeader(apiKey=CREATE_TOPICS, apiVersion=7)",
                            notController())))
                    .isTrue();
            // same text and exception from another logger
            assertThat(console.isLoggable(error("kafka.server.KafkaApis", RACE, notController())))
                    .isTrue();
            // no exception at all
            assertThat(console.isLoggable(error(StartNoise.CONTROLLER_APIS, RACE, null)))
                    .isTrue();
        }
    }

    /** The records as the embedded broker logged them on a first and a warm start (4 Dec 2026), shortened. */
    private static final String ACTIVATION_FIRST = "[QuorumController id=1] Performing controller activation. The "
            + "metadata log appears to be empty. Appending 4 bootstrap record(s) in metadata transaction at "
            + "metadata.version 4.1-IV1 from bootstrap source 'the binary bootstrap metadata file'.";

    private static final String ACTIVATION_WARM = "[QuorumController id=1] Performing controller activation.";

    private static ExtLogRecord warning(String logger, String message) {
        ExtLogRecord r = new ExtLogRecord(Level.WARN, message, ExtLogRecord.FormatStyle.NO_FORMAT, "test");
        r.setLoggerName(logger);
        return r;
    }

    @Test
    void theConsoleDropsTheControllersActivationNotice() {
        for (Handler console : consoleHandlers()) {
            assertThat(console.isLoggable(warning(StartNoise.QUORUM_CONTROLLER, ACTIVATION_FIRST)))
                    .isFalse();
            assertThat(console.isLoggable(warning(StartNoise.QUORUM_CONTROLLER, ACTIVATION_WARM)))
                    .isFalse();
        }
    }

    @Test
    void theConsoleKeepsTheControllersOtherWarnings() {
        for (Handler console : consoleHandlers()) {
            // another warning of the controller
            assertThat(console.isLoggable(warning(
                            StartNoise.QUORUM_CONTROLLER,
                            "[QuorumController id=1] writeNoOpRecord: event failed with TimeoutException")))
                    .isTrue();
            // the same words from another logger
            assertThat(console.isLoggable(warning("kafka.server.KafkaApis", ACTIVATION_WARM)))
                    .isTrue();
            // the same words with a failure attached
            ExtLogRecord failed = warning(StartNoise.QUORUM_CONTROLLER, ACTIVATION_WARM);
            failed.setThrown(new IllegalStateException("activation failed"));
            assertThat(console.isLoggable(failed)).isTrue();
        }
    }

    /** Micrometer's record as Tally's start logged it (4 Dec 2026). */
    private static String gaugeTwice(String name, String tags) {
        return "This Gauge has been already registered (MeterId{name='" + name + "', tags=" + tags
                + "}), the registration will be ignored. Note that subsequent logs will be logged at debug level.";
    }

    @Test
    void theConsoleDropsTheSecondHttpServersConnectionGauges() {
        for (Handler console : consoleHandlers()) {
            assertThat(console.isLoggable(
                            warning(StartNoise.METER_REGISTRY, gaugeTwice("vertx.http.connections.current", "[]"))))
                    .isFalse();
            assertThat(console.isLoggable(
                            warning(StartNoise.METER_REGISTRY, gaugeTwice("vertx.http.connections.max", "[]"))))
                    .isFalse();
        }
    }

    @Test
    void theConsoleKeepsOtherDuplicateMeters() {
        for (Handler console : consoleHandlers()) {
            // another meter registered twice: a bug of ours or a library's, to be seen
            assertThat(console.isLoggable(
                            warning(StartNoise.METER_REGISTRY, gaugeTwice("tally.gateway.inflight", "[]"))))
                    .isTrue();
            // the connection gauge with tags: not Quarkus' untagged pair
            assertThat(console.isLoggable(warning(
                            StartNoise.METER_REGISTRY,
                            gaugeTwice("vertx.http.connections.current", "[tag(server=public)]"))))
                    .isTrue();
            // the same words from another logger
            assertThat(console.isLoggable(
                            warning("io.vertx.core.Vertx", gaugeTwice("vertx.http.connections.current", "[]"))))
                    .isTrue();
        }
    }
}
