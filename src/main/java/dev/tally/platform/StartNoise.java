package dev.tally.platform;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.apache.kafka.common.errors.NotControllerException;

import io.quarkus.logging.LoggingFilter;

/**
 * Drops three records logged on every start, or some, although nothing is wrong: two of the embedded
 * broker and one of Micrometer.
 *
 * <p>On every start KRaft's controller logs at WARN that it is "Performing controller activation."
 * (on the first start with "The metadata log appears to be empty. Appending … bootstrap record(s)"):
 * Kafka's notice to the operators of a cluster that a controller took over, which for the one
 * embedded node of a single process is every start's routine.
 *
 * <p>And one record it logs at ERROR on some warm starts.
 * In KRaft's combined mode the node's controller registers itself with the quorum as it starts; when
 * that request arrives a moment before the same node has become the active controller,
 * {@code kafka.server.ControllerApis} answers it with {@link NotControllerException} ("The active
 * controller appears to be node 1"), logs "Unexpected error handling request
 * RequestHeader(apiKey=CONTROLLER_REGISTRATION …" with a 40-line stack trace, and the registration
 * is retried and succeeds. A user starting Tally should not read that as a failure.
 *
 * <p>And Micrometer's WARN "This Gauge has been already registered
 * (MeterId{name='vertx.http.connections.current', tags=[]}) …" (or {@code .max}): Quarkus registers
 * the HTTP connection gauges once per HTTP server it starts, without a tag to tell them apart, and
 * Tally starts two, the public port and the management interface. The first registration, the public
 * port's, is kept and counts its connections; the management interface's is ignored. A duplicate of
 * any other meter is logged as before (Micrometer warns of the first duplicate in a JVM only, and
 * logs later ones at DEBUG).
 *
 * <p>Only those records go: for the activation the logger and the words, for the race the logger, the
 * request kind and the exception, for the gauge the logger and the untagged meter's name must all
 * match. Any other warning or error of the broker, and this exception for any other request, is
 * logged as before. Installed on the console handler by
 * {@code quarkus.log.console.filter}.
 */
@LoggingFilter(name = "tally-start-noise")
public final class StartNoise implements Filter {

    static final String CONTROLLER_APIS = "kafka.server.ControllerApis";
    static final String QUORUM_CONTROLLER = "org.apache.kafka.controller.QuorumController";
    static final String METER_REGISTRY = "io.micrometer.core.instrument.MeterRegistry";

    @Override
    public boolean isLoggable(LogRecord record) {
        return !isRegistrationRace(record) && !isActivationNotice(record) && !isConnectionGaugeTwice(record);
    }

    private static boolean isConnectionGaugeTwice(LogRecord record) {
        if (!METER_REGISTRY.equals(record.getLoggerName()) || record.getThrown() != null) {
            return false;
        }
        String message = record.getMessage();
        return message != null && (message.startsWith(gaugeTwice("current")) || message.startsWith(gaugeTwice("max")));
    }

    private static String gaugeTwice(String which) {
        return "This Gauge has been already registered (MeterId{name='vertx.http.connections." + which + "', tags=[]})";
    }

    private static boolean isActivationNotice(LogRecord record) {
        if (!QUORUM_CONTROLLER.equals(record.getLoggerName()) || record.getThrown() != null) {
            return false;
        }
        String message = record.getMessage();
        return message != null && message.contains("] Performing controller activation.");
    }

    private static boolean isRegistrationRace(LogRecord record) {
        if (!CONTROLLER_APIS.equals(record.getLoggerName())) {
            return false;
        }
        String message = record.getMessage();
        if (message == null || !message.contains("apiKey=CONTROLLER_REGISTRATION")) {
            return false;
        }
        Throwable t = record.getThrown();
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof NotControllerException) {
                return true;
            }
        }
        return false;
    }
}
