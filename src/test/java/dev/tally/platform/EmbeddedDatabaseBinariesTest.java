package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * zonky makes the directory it unpacks PostgreSQL into writable by every account and runs what it finds
 * there: Tally's binaries cache is owner-only, zonky unpacks inside it, and the binaries an earlier
 * Tally left straight in the cache are removed.
 */
class EmbeddedDatabaseBinariesTest {

    @TempDir
    Path dir;

    @Test
    void theCacheIsOwnerOnlyAndThePostgresThatRunsIsTheOneUnpackedInsideIt() throws Exception {
        Path cache = Files.createDirectory(dir.resolve("postgres-bin"));
        // as an earlier Tally left it: zonky's mode on the cache, its binaries straight inside
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path old = Files.createDirectories(cache.resolve("PG-0123456789abcdef/bin"));
        Files.writeString(old.resolve("postgres"), "#!/bin/sh\nexit 1\n");
        Files.writeString(cache.resolve("PG-0123456789abcdef/.exists"), "");
        Path cluster = dir.resolve("postgres");

        // zonky keeps the first directory it unpacked into for the rest of its JVM, so the start runs in a
        // JVM of its own (the helper starts the database, commits a row and says READY)
        Process jvm = OrphanPostgresMain.launch(cluster, cache, Ports.freePort());
        ProcessHandle postmaster = null;
        try {
            long pid = Long.parseLong(
                    Files.readAllLines(cluster.resolve("postmaster.pid")).get(0).strip());
            postmaster = ProcessHandle.of(pid).orElseThrow();

            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cache)))
                    .isEqualTo("rwx------");
            assertThat(cache.resolve("PG-0123456789abcdef")).doesNotExist();
            try (Stream<Path> entries = Files.list(cache)) {
                assertThat(entries).containsExactly(EmbeddedDatabase.unpackDir(cache));
            }
            assertThat(Path.of(postmaster.info().command().orElseThrow()))
                    .startsWith(EmbeddedDatabase.unpackDir(cache));
        } finally {
            jvm.destroyForcibly().waitFor();
            if (postmaster != null) {
                postmaster.destroy();
                postmaster.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
