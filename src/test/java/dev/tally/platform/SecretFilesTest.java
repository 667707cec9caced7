package dev.tally.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secret files are owner-only from their creation on; a wider existing file is tightened, never left. */
class SecretFilesTest {

    @TempDir
    Path dir;

    @Test
    void aNewSecretFileIsOwnerOnlyRightAfterItIsCreated() throws IOException {
        Path file = dir.resolve("nested/admin-token");

        SecretFiles.Secret secret = SecretFiles.readOrCreate(file, "tadm_", "the admin token");

        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(secret.created()).isTrue();
        assertThat(secret.value()).matches("tadm_[0-9a-f]{64}");
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(secret.value() + "\n");
        assertThat(secret.toString()).doesNotContain(secret.value());
    }

    @Test
    void anExistingSecretIsReadBackUnchanged() throws IOException {
        Path file = dir.resolve("admin-token");
        String first =
                SecretFiles.readOrCreate(file, "tadm_", "the admin token").value();

        SecretFiles.Secret again = SecretFiles.readOrCreate(file, "tadm_", "the admin token");

        assertThat(again.created()).isFalse();
        assertThat(again.value()).isEqualTo(first);
    }

    @Test
    void anExistingFileReadableByOthersIsTightenedAndItsSecretKept() throws IOException {
        Path file = dir.resolve("admin-token");
        Files.writeString(file, "tadm_restored_from_a_backup\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        SecretFiles.Secret secret = SecretFiles.readOrCreate(file, "tadm_", "the admin token");

        assertThat(mode(file)).isEqualTo("rw-------");
        assertThat(secret.value()).isEqualTo("tadm_restored_from_a_backup");
        assertThat(secret.created()).isFalse();
    }

    @Test
    void aNarrowerModeThanOwnerOnlyIsLeftAlone() throws IOException {
        Path file = dir.resolve("admin-token");
        Files.writeString(file, "tadm_read_only\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));

        assertThat(SecretFiles.readOrCreate(file, "tadm_", "the admin token").value())
                .isEqualTo("tadm_read_only");
        assertThat(mode(file)).isEqualTo("r--------");
    }

    @Test
    void anEmptyFileLeftByAnInterruptedStartGetsANewSecretAndStaysOwnerOnly() throws IOException {
        Path file = dir.resolve("admin-token");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw-rw-")));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

        SecretFiles.Secret secret = SecretFiles.readOrCreate(file, "tadm_", "the admin token");

        assertThat(secret.created()).isTrue();
        assertThat(secret.value()).matches("tadm_[0-9a-f]{64}");
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void aDirectoryWhereTheFileShouldBeIsRefused() throws IOException {
        Path file = Files.createDirectory(dir.resolve("admin-token"));

        assertThatThrownBy(() -> SecretFiles.readOrCreate(file, "tadm_", "the admin token"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is not a regular file");
    }

    @Test
    void anEmptyAdminTokenFileNeverLetsAnEmptyBearerTokenIn() throws IOException {
        Files.createFile(dir.resolve("admin-token"));

        AdminToken token = new AdminToken(config(dir));

        assertThat(token.matches("Bearer ")).isFalse();
        assertThat(token.matches("Bearer    ")).isFalse();
        String regenerated = Files.readString(dir.resolve("admin-token")).strip();
        assertThat(regenerated).matches("tadm_[0-9a-f]{64}");
        assertThat(token.matches("Bearer " + regenerated)).isTrue();
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    private static TallyConfig config(Path dataDir) {
        return new TallyConfig() {
            @Override
            public String roles() {
                return "gateway";
            }

            @Override
            public String dataDir() {
                return dataDir.toString();
            }

            @Override
            public java.util.Optional<String> adminToken() {
                return java.util.Optional.empty();
            }

            @Override
            public Kafka kafka() {
                throw new UnsupportedOperationException("not used by AdminToken");
            }

            @Override
            public String timezone() {
                return "UTC";
            }

            @Override
            public Startup startup() {
                throw new UnsupportedOperationException("not used by AdminToken");
            }

            @Override
            public java.util.Optional<String> publicUrl() {
                return java.util.Optional.empty();
            }
        };
    }
}
