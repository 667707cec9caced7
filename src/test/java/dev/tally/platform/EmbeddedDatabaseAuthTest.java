package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The embedded PostgreSQL asks every connection for the superuser password, which lives in an owner-only
 * file beside the cluster; a cluster made before passwords existed (zonky's initdb trusts everyone) is
 * migrated at its next start and keeps its rows.
 */
class EmbeddedDatabaseAuthTest {

    /** PostgreSQL's SQLSTATE for a failed password authentication. */
    private static final String INVALID_PASSWORD = "28P01";

    @TempDir
    Path dir;

    @Test
    void aNewClusterRequiresTheGeneratedPasswordOnEveryConnection() throws Exception {
        try (EmbeddedDatabase db = new EmbeddedDatabase(
                        dir.resolve("postgres"), TallyServices.sharedBinaries(), Ports.freePort(), false)
                .start()) {
            assertThat(db.passwordFile()).isEqualTo(dir.resolve("postgres-password"));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db.passwordFile())))
                    .isEqualTo("rw-------");
            assertThat(db.password())
                    .isEqualTo(Files.readString(db.passwordFile()).strip())
                    .hasSize(64);

            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                    ResultSet rs = c.createStatement().executeQuery("SELECT current_user")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("postgres");
            }
            assertRefused(db, "postgres");
            assertRefused(db, db.password() + "x");
            assertThat(Files.readString(dir.resolve("postgres/pg_hba.conf")))
                    .isEqualTo(PostgresAuth.HBA)
                    .doesNotContain("trust");
        }
    }

    @Test
    void aClusterMadeBeforePasswordsIsMigratedAndKeepsItsRows() throws Exception {
        int port = Ports.freePort();
        Path cluster = dir.resolve("postgres");
        // the cluster as earlier Tally versions left it: zonky's initdb, pg_hba.conf trusting every connection
        try (EmbeddedPostgres old = EmbeddedPostgres.builder()
                        .setDataDirectory(cluster)
                        .setCleanDataDirectory(false)
                        .setOverrideWorkingDirectory(EmbeddedDatabase.unpackDir(TallyServices.sharedBinaries())
                                .toFile())
                        .setPort(port)
                        .setRegisterShutdownHook(false)
                        .start();
                Connection c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "anything goes under trust")) {
            c.createStatement().execute("CREATE TABLE kept (v text)");
            c.createStatement().execute("INSERT INTO kept VALUES ('made before passwords')");
        }
        assertThat(Files.readString(cluster.resolve("pg_hba.conf"))).contains("trust");
        assertThat(Files.exists(dir.resolve("postgres-password"))).isFalse();

        try (EmbeddedDatabase db = new EmbeddedDatabase(cluster, TallyServices.sharedBinaries(), port, false).start()) {
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                    ResultSet rs = c.createStatement().executeQuery("SELECT v FROM kept")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("made before passwords");
            }
            assertRefused(db, "anything goes under trust");
        }
    }

    @Test
    void aNewPasswordWrittenIntoTheFileIsTakenAtTheNextStart() throws Exception {
        int port = Ports.freePort();
        String first;
        try (EmbeddedDatabase db =
                new EmbeddedDatabase(dir.resolve("postgres"), TallyServices.sharedBinaries(), port, false).start()) {
            first = db.password();
        }
        Files.writeString(dir.resolve("postgres-password"), "a-rotated-password-it's-long-enough\n");

        try (EmbeddedDatabase db =
                new EmbeddedDatabase(dir.resolve("postgres"), TallyServices.sharedBinaries(), port, false).start()) {
            assertThat(db.password()).isEqualTo("a-rotated-password-it's-long-enough");
            try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
                assertThat(c.isValid(5)).isTrue();
            }
            assertRefused(db, first);
        }
    }

    @Test
    void aPasswordThatCannotBeUsedIsRefusedNamingTheFile() {
        assertThatThrownBy(() -> PostgresAuth.requireUsable("short"))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("postgres-password");
        assertThatThrownBy(() -> PostgresAuth.requireUsable("sixteen-chars-and\na-newline"))
                .isInstanceOf(StartupException.class);
    }

    private static void assertRefused(EmbeddedDatabase db, String password) {
        assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.username(), password)
                        .close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(INVALID_PASSWORD));
    }
}
