package dev.tally.platform.share;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import org.flywaydb.core.Flyway;

import dev.tally.platform.EmbeddedDatabase;
import dev.tally.platform.TallyServices;

/**
 * A database of its own in the tests' embedded PostgreSQL, migrated: the gateways a test starts are
 * then the only live ones in the exchange (a Quarkus test's gateway in the same JVM would otherwise
 * be counted and take a share), so the test can assert exact shares.
 */
public final class ExchangeDatabase {

    private ExchangeDatabase() {}

    /** The JDBC URL of a new, migrated database (user and password: the embedded server's). */
    public static String fresh() throws SQLException {
        String url = empty();
        Flyway.configure().dataSource(url, username(), password()).load().migrate();
        return url;
    }

    /** The JDBC URL of a new database with nothing in it, for a test that migrates it itself. */
    public static String empty() throws SQLException {
        EmbeddedDatabase db = TallyServices.database();
        String name = "exchange_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password());
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return db.jdbcUrl().substring(0, db.jdbcUrl().lastIndexOf('/') + 1) + name;
    }

    public static String username() {
        return TallyServices.database().username();
    }

    public static String password() {
        return TallyServices.database().password();
    }
}
