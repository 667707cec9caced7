package dev.tally.platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

/**
 * Test helper run as its own JVM: starts an embedded PostgreSQL on the given data directory,
 * commits a row, prints READY and waits to be killed (SIGKILL), leaving the server orphaned as a
 * Tally killed hard would.
 */
public final class OrphanPostgresMain {

    /**
     * Runs this helper in a JVM of its own on the given cluster, binaries cache and port, and returns
     * once it has said READY (its database started and the row committed); the caller kills it.
     */
    static Process launch(Path cluster, Path binaries, int port) throws IOException {
        Process jvm =
                TestJvm.start(OrphanPostgresMain.class, cluster.toString(), binaries.toString(), String.valueOf(port));
        String line;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream()))) {
            while ((line = out.readLine()) != null && !line.contains("READY")) {
                // the helper JVM logs while PostgreSQL starts
            }
        }
        if (line == null) {
            jvm.destroyForcibly();
            throw new IllegalStateException("the helper JVM ended before its database was ready");
        }
        return jvm;
    }

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
