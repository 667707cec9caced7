package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.PrimitiveIterator;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded services' ports never coincide: a free port probed twice can come back the same (the
 * kernel hands a closed port out again), and a broker given one port for its two listeners does not
 * start ("two listeners on the same port"); set by hand to the same port, they stop start-up with a
 * message naming both settings.
 */
class EmbeddedPortsTest {

    private static final String BROKER = "tally.kafka.embedded-port";
    private static final String CONTROLLER = "tally.kafka.embedded-controller-port";
    private static final String POSTGRES = "tally.postgres.embedded-port";

    @AfterEach
    void clear() {
        System.clearProperty(BROKER);
        System.clearProperty(CONTROLLER);
        System.clearProperty(POSTGRES);
    }

    @Test
    void aProbedPortThatIsTakenIsProbedAgain() {
        PrimitiveIterator.OfInt probes = IntStream.of(40001, 40002, 40003).iterator();

        assertThat(Ports.otherThan(probes::nextInt, 40001, 40002)).isEqualTo(40003);
    }

    @Test
    void aProbeThatOnlyGivesTakenPortsGivesUp() {
        assertThatThrownBy(() -> Ports.otherThan(() -> 40001, 40001))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no free loopback port");
    }

    @Test
    void theControllerPortIsNeverTheBrokerPort() {
        int broker = Ports.freePort();
        System.setProperty(BROKER, String.valueOf(broker));

        int[] ports = EmbeddedServices.kafkaPorts();

        assertThat(ports[0]).isEqualTo(broker);
        assertThat(ports[1]).isNotEqualTo(broker).isPositive();
        assertThat(EmbeddedServices.postgresPort(ports)).isNotIn(ports[0], ports[1]);
    }

    @Test
    void oneConfiguredPortForBothBrokerListenersStopsStartUpNamingBoth() {
        int broker = Ports.freePort();
        System.setProperty(BROKER, String.valueOf(broker));
        System.setProperty(CONTROLLER, String.valueOf(broker));

        assertThatThrownBy(EmbeddedServices::kafkaPorts)
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("TALLY_KAFKA_EMBEDDED_CONTROLLER_PORT")
                .hasMessageContaining("TALLY_KAFKA_EMBEDDED_PORT are both " + broker);
    }

    @Test
    void aConfiguredDatabasePortThatIsTheBrokersStopsStartUp() {
        int broker = Ports.freePort();
        System.setProperty(POSTGRES, String.valueOf(broker));

        assertThatThrownBy(() -> EmbeddedServices.postgresPort(broker, broker + 1))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("TALLY_POSTGRES_EMBEDDED_PORT is " + broker);
    }
}
