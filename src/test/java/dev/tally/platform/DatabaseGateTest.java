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

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL starts beside Quarkus' boot and Flyway waits for it at the gate: the
 * address and password are set before the server listens, the gate holds its caller until the start
 * completes, and a failed start reaches the caller as the start-up error it is.
 */
class DatabaseGateTest {

    @TempDir
    Path dir;

    @AfterEach
    void forgetTheStart() {
        // the gate is static: a start left open here would hold a later Quarkus test's Flyway
        DatabaseGate.closed();
    }

    @Test
    void theGateHoldsItsCallerUntilTheStartCompletes() throws Exception {
        CompletableFuture<String> start = new CompletableFuture<>();
        DatabaseGate.opening(start);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread flyway = new Thread(() -> {
            try {
                DatabaseGate.await();
            } catch (Throwable t) {
                failed.set(t);
            }
        });
        flyway.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> flyway.getState() == Thread.State.WAITING);
        assertThat(flyway.isAlive()).isTrue();

        start.complete("listening");
        flyway.join(Duration.ofSeconds(10).toMillis());
        assertThat(flyway.isAlive()).isFalse();
        assertThat(failed.get()).isNull();
    }

    @Test
    void withoutAnEmbeddedDatabaseTheGateIsOpen() {
        DatabaseGate.closed();
        DatabaseGate.await(); // returns: an external database, or Quarkus started by the tests
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
            DatabaseGate.await();

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

            assertThatThrownBy(DatabaseGate::await)
                    .isInstanceOf(StartupException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }
}
