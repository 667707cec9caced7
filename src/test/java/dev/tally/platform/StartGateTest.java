package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The embedded PostgreSQL and broker start beside Quarkus' boot, and the first user of each waits at
 * its gate: the gate holds its caller until the start completes and is open where nothing embedded
 * starts; the database's address and password are set before the server listens, and a failed start
 * reaches the caller as the start-up error it is.
 */
class StartGateTest {

    @TempDir
    Path dir;

    static Stream<StartGate> gates() {
        return Stream.of(StartGate.DATABASE, StartGate.BROKER);
    }

    @AfterEach
    void forgetTheStarts() {
        // the gates are static: a start left open here would hold a later Quarkus test's Flyway
        StartGate.DATABASE.closed();
        StartGate.BROKER.closed();
    }

    @ParameterizedTest
    @MethodSource("gates")
    void theGateHoldsItsCallerUntilTheStartCompletes(StartGate gate) throws Exception {
        CompletableFuture<String> start = new CompletableFuture<>();
        gate.opening(start);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                gate.await();
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        waiter.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.WAITING);
        assertThat(waiter.isAlive()).isTrue();

        start.complete("listening");
        waiter.join(Duration.ofSeconds(10).toMillis());
        assertThat(waiter.isAlive()).isFalse();
        assertThat(failed.get()).isNull();
    }

    @ParameterizedTest
    @MethodSource("gates")
    void withoutAnEmbeddedServiceTheGateIsOpen(StartGate gate) {
        gate.closed();
        gate.await(); // returns: an external service, or Quarkus started by the tests
    }

    @Test
    void aStartThatFailedOtherwiseIsAStartupErrorNamingTheService() {
        StartGate.BROKER.opening(CompletableFuture.failedFuture(new IllegalStateException("log dir locked")));

        assertThatThrownBy(StartGate.BROKER::await)
                .isInstanceOf(StartupException.class)
                .hasMessage("the embedded Kafka broker did not start: log dir locked");
    }

    @Test
    void theAddressAndPasswordSetBeforeTheStartConnectOnceTheGateOpens() throws Exception {
        EmbeddedDatabase db =
                new EmbeddedDatabase(dir.resolve("postgres"), TallyServices.sharedBinaries(), Ports.freePort());
        // what EmbeddedServices hands Quarkus before the server listens
        String url = db.jdbcUrl();
        String user = db.username();
        String password = db.password();
        CompletableFuture<EmbeddedDatabase> start = EmbeddedServices.startDatabaseInBackground(db);
        try {
            StartGate.DATABASE.await();

            try (Connection con = DriverManager.getConnection(url, user, password);
                    ResultSet rs = con.createStatement().executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
            assertThat(start).isCompleted();
        } finally {
            start.join().close();
        }
    }

    @Test
    void aFailedStartReachesTheWaiterAsAStartupErrorNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            EmbeddedDatabase db = new EmbeddedDatabase(dir.resolve("postgres"), TallyServices.sharedBinaries(), port);
            EmbeddedServices.startDatabaseInBackground(db);

            assertThatThrownBy(StartGate.DATABASE::await)
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("the port is in use");
        }
    }
}
