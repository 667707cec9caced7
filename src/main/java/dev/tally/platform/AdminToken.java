package dev.tally.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Startup;

/**
 * The admin API credential: {@code TALLY_ADMIN_TOKEN}, or else a random token generated at first
 * start into {@code <data dir>/admin-token} (owner-only), reused on later starts.
 */
// @Startup: the token file and the log line must exist at first start, not at the first admin call
@Startup
@ApplicationScoped
public class AdminToken {

    private static final Logger LOG = Logger.getLogger(AdminToken.class);

    private final byte[] token;

    public AdminToken(TallyConfig config) {
        this.token = config.adminToken()
                .filter(t -> !t.isBlank())
                .orElseGet(() -> loadOrGenerate(Path.of(config.dataDir()).resolve("admin-token")))
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Constant-time check of an {@code Authorization} header value. */
    public boolean matches(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] given = authorizationHeader.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        // an empty token never matches, whatever the configuration holds
        return given.length > 0 && token.length > 0 && MessageDigest.isEqual(given, token);
    }

    static String loadOrGenerate(Path file) {
        try {
            SecretFiles.Secret secret = SecretFiles.readOrCreate(file, "tadm_", "the admin token");
            if (secret.created()) {
                LOG.infof("TALLY_ADMIN_TOKEN is not set: generated an admin token into %s", file.toAbsolutePath());
            }
            return secret.value();
        } catch (IOException e) {
            throw new StartupException(
                    "cannot read or write the admin token at " + file + ": " + e.getMessage()
                            + ": set TALLY_ADMIN_TOKEN or make TALLY_DATA_DIR writable",
                    e);
        }
    }
}
