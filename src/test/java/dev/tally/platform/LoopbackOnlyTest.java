package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker (client and controller listeners) and the embedded PostgreSQL accept connections on
 * loopback only: from another address of this machine, the ports are closed. Where the machine has no
 * other address the test is skipped, saying so (there is nothing else to connect from).
 */
class LoopbackOnlyTest {

    @TempDir
    Path dir;

    @Test
    void theEmbeddedBrokerAndDatabaseRefuseConnectionsOnANonLoopbackAddress() throws Exception {
        Optional<InetAddress> outside = nonLoopbackAddress();
        if (outside.isEmpty()) {
            System.out.println("LoopbackOnlyTest skipped: this machine has no non-loopback address to connect from");
        }
        Assumptions.assumeTrue(outside.isPresent(), "this machine has no non-loopback address to connect from");
        InetAddress address = outside.get();
        // the check can fail: a listener on the wildcard address is reachable on this address
        try (ServerSocket wildcard = new ServerSocket(0)) {
            assertThat(accepts(address, wildcard.getLocalPort()))
                    .as("a wildcard listener is reachable on %s, so a closed port there means loopback-only", address)
                    .isTrue();
        }

        int port = Ports.freePort();
        int controllerPort = Ports.freePort();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), port, controllerPort).start()) {
            assertThat(accepts(InetAddress.getByName("127.0.0.1"), port))
                    .as("broker on loopback")
                    .isTrue();
            assertThat(accepts(InetAddress.getByName("127.0.0.1"), controllerPort))
                    .as("controller on loopback")
                    .isTrue();
            assertThat(accepts(address, port)).as("broker on %s", address).isFalse();
            assertThat(accepts(address, controllerPort))
                    .as("controller on %s", address)
                    .isFalse();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
                assertThat(nodes)
                        .extracting(Node::host)
                        .as("advertised listeners")
                        .containsOnly("127.0.0.1");
            }
        }

        EmbeddedDatabase db = TallyServices.database();
        assertThat(accepts(InetAddress.getByName("127.0.0.1"), db.port()))
                .as("PostgreSQL on loopback")
                .isTrue();
        assertThat(accepts(address, db.port())).as("PostgreSQL on %s", address).isFalse();
    }

    /** An up, non-loopback, non-link-local address of this machine (IPv4 first), if there is one. */
    static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        List<InetAddress> found = NetworkInterface.networkInterfaces()
                .filter(LoopbackOnlyTest::usable)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress())
                .sorted((a, b) -> Boolean.compare(a instanceof Inet6Address, b instanceof Inet6Address))
                .toList();
        return found.stream().findFirst();
    }

    private static boolean usable(NetworkInterface n) {
        try {
            return n.isUp() && !n.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private static boolean accepts(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
