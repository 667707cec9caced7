package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.LogContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data directory holds the usage events (the broker's log, the spool), the database and the
 * secrets: Tally makes it owner-only when it creates it, and names an existing one other accounts may
 * enter without changing an operator's choice of mode.
 */
class DataDirTest {

    @TempDir
    Path dir;

    @Test
    void aDataDirectoryTallyCreatesIsOwnerOnly() throws Exception {
        Path data = dir.resolve("srv/tally/data");
        try (DataDir opened = DataDir.open(data)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                    .isEqualTo("rwx------");
            assertThat(opened.root()).isEqualTo(data.toAbsolutePath());
        }
    }

    @Test
    void anExistingDirectoryOpenToOthersKeepsItsModeAndIsNamedInAWarning() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<ExtLogRecord> warnings = captureWarnings(() -> DataDir.open(data).close());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data)))
                .isEqualTo("rwxr-xr-x");
        assertThat(warnings)
                .singleElement()
                .satisfies(
                        r -> assertThat(r.getFormattedMessage()).contains(data.toString(), "rwxr-xr-x", "chmod 700"));
    }

    @Test
    void anExistingOwnerOnlyOrGroupDirectoryGivesNoWarning() throws Exception {
        Path ownerOnly = Files.createDirectory(dir.resolve("owner-only"));
        Files.setPosixFilePermissions(ownerOnly, PosixFilePermissions.fromString("rwx------"));
        Path group = Files.createDirectory(dir.resolve("group"));
        Files.setPosixFilePermissions(group, PosixFilePermissions.fromString("rwxr-x---"));

        List<ExtLogRecord> warnings = captureWarnings(() -> {
            DataDir.open(ownerOnly).close();
            DataDir.open(group).close();
        });

        assertThat(warnings).isEmpty();
    }

    private static List<ExtLogRecord> captureWarnings(Runnable action) {
        List<ExtLogRecord> records = new CopyOnWriteArrayList<>();
        ExtHandler capture = new ExtHandler() {
            @Override
            protected void doPublish(ExtLogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    records.add(record);
                }
            }
        };
        org.jboss.logmanager.Logger log = LogContext.getLogContext().getLogger(DataDir.class.getName());
        log.addHandler(capture);
        try {
            action.run();
        } finally {
            log.removeHandler(capture);
        }
        return records;
    }
}
