package dev.tally.platform;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.util.LinuxUtils;

/**
 * Password authentication for the embedded PostgreSQL. zonky's initdb makes a cluster that trusts every
 * local connection (any account on the machine would be superuser, and could mint gateway keys by
 * inserting hashes), so before each start the cluster is set to require the superuser password:
 * <ol>
 * <li>the password is stored with {@code ALTER ROLE} in single-user mode ({@code postgres --single}: no
 * network, no authentication, only the owner of the data files can run it), hashed as SCRAM-SHA-256;</li>
 * <li>{@code pg_hba.conf} is rewritten to ask for it on the Unix socket and on loopback TCP alike.</li>
 * </ol>
 * Done at every start, it migrates a cluster made before passwords existed, and it makes the password
 * file the one source of truth: write another password into it, restart, and the cluster takes it.
 */
final class PostgresAuth {

    static final String HBA = """
            # Written by Tally before every start of the embedded PostgreSQL (edits are replaced): every
            # connection, on the local socket or on loopback TCP, must give the password kept in the
            # owner-only file postgres-password beside this cluster's directory.
            # TYPE  DATABASE        USER            ADDRESS                 METHOD
            local   all             all                                     scram-sha-256
            host    all             all             127.0.0.1/32            scram-sha-256
            host    all             all             ::1/128                 scram-sha-256
            """;

    /** Printed by the single-user backend only when ALTER ROLE succeeded (an error aborts the rest of the line). */
    private static final String DONE = "tally-password-set";

    private PostgresAuth() {}

    /** Sets the superuser password and password-only {@code pg_hba.conf} in a cluster that is not running. */
    static void apply(Path cluster, Path binaries, String password) throws IOException {
        requireUsable(password);
        setPassword(postgresBinary(binaries, cluster), cluster, password);
        Path hba = cluster.resolve("pg_hba.conf");
        Path tmp = cluster.resolve("pg_hba.conf.tally-tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(SecretFiles.OWNER_ONLY));
        Files.writeString(tmp, HBA, StandardCharsets.UTF_8);
        Files.move(tmp, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The single-user backend reads one statement per line: a password must fit on it. */
    static void requireUsable(String password) {
        if (password.length() < 16 || password.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new StartupException("the embedded PostgreSQL password must be at least 16 characters without "
                    + "control characters: fix or delete the postgres-password file in the data directory");
        }
    }

    private static void setPassword(Path postgres, Path cluster, String password) throws IOException {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            // as zonky does: PostgreSQL refuses to run as root, a user namespace maps root to another uid
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(
                postgres.toString(),
                "--single",
                "-D",
                cluster.toString(),
                "-c",
                "listen_addresses=",
                // the statement carries the password: never echo it into the output or the server log
                "-c",
                "log_min_error_statement=panic",
                "-c",
                "log_statement=none",
                "postgres"));
        Path output = Files.createTempFile(
                "tally-pg-single-", ".log", PosixFilePermissions.asFileAttribute(SecretFiles.OWNER_ONLY));
        try {
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(("SET password_encryption = 'scram-sha-256'; ALTER ROLE postgres WITH PASSWORD '"
                                + password.replace("'", "''") + "'; SELECT '" + DONE + "';\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new StartupException("PostgreSQL in single-user mode did not finish setting the password on "
                        + cluster + " within 120 s");
            }
            String out = Files.readString(output, StandardCharsets.UTF_8).replace(password, "***");
            if (p.exitValue() != 0 || !out.contains(DONE)) {
                throw new StartupException("could not set the embedded PostgreSQL password on " + cluster + " (exit "
                        + p.exitValue() + "): " + tail(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupException("interrupted while setting the embedded PostgreSQL password");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * The {@code postgres} binary zonky unpacked into {@code binaries} ({@code PG-<digest>/bin/postgres}): the
     * only one, or else (a cache shared by several Tally versions) the most recently unpacked one of the
     * cluster's major version.
     */
    static Path postgresBinary(Path binaries, Path cluster) throws IOException {
        String major = Files.readString(cluster.resolve("PG_VERSION"), StandardCharsets.US_ASCII)
                .strip();
        List<Path> candidates;
        try (Stream<Path> dirs = Files.list(binaries)) {
            candidates = dirs.filter(d -> d.getFileName().toString().startsWith("PG-"))
                    .filter(d -> Files.isExecutable(d.resolve("bin/postgres")))
                    .sorted(Comparator.comparing(PostgresAuth::unpackedAt).reversed())
                    .toList();
        }
        if (candidates.size() == 1) {
            return candidates.get(0).resolve("bin/postgres"); // the usual case: no need to ask it its version
        }
        for (Path dir : candidates) {
            if (major.equals(majorVersion(dir.resolve("bin/postgres")))) {
                return dir.resolve("bin/postgres");
            }
        }
        throw new StartupException("no PostgreSQL " + major + " binaries under " + binaries + " for the cluster "
                + cluster + " (found " + candidates.size() + " other)");
    }

    private static FileTime unpackedAt(Path dir) {
        try {
            return Files.getLastModifiedTime(Files.exists(dir.resolve(".exists")) ? dir.resolve(".exists") : dir);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /** "14" from {@code postgres (PostgreSQL) 14.22}; null when it cannot be run. */
    private static String majorVersion(Path postgres) {
        try {
            Process p = new ProcessBuilder(postgres.toString(), "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            String version = out.substring(out.lastIndexOf(' ') + 1);
            int dot = version.indexOf('.');
            return dot < 0 ? version : version.substring(0, dot);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static String tail(String out) {
        String s = out.strip();
        return s.length() <= 600 ? s : "…" + s.substring(s.length() - 600);
    }
}
