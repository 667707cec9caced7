package dev.tally.platform;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * Test helper run as its own JVM: starts an embedded PostgreSQL on the given data directory,
 * commits a row, prints READY and waits to be killed (SIGKILL), leaving the server orphaned as a
 * Tally killed hard would.
 */
public final class OrphanPostgresMain {
    public static void main(String[] args) throws Exception {
        EmbeddedDatabase db =
                new EmbeddedDatabase(Path.of(args[0]), Path.of(args[1]), Integer.parseInt(args[2])).start();
        try (Connection con = DriverManager.getConnection(db.jdbcUrl(), db.username(), db.password())) {
            con.createStatement().execute("CREATE TABLE kept (v text)");
            con.createStatement().execute("INSERT INTO kept VALUES ('committed before the kill')");
        }
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
