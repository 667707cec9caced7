package dev.tally.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Files the tests make and remove. */
public final class TestFiles {

    private TestFiles() {}

    /** Deletes a directory and everything under it; a missing directory is already deleted. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * {@link #deleteTree} for a temporary directory whose removal is tidiness, not a result: what
     * cannot be deleted is left to the system's cleaning.
     */
    public static void deleteTempTree(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            // left to the system's cleaning of its temporary directory
        }
    }
}
