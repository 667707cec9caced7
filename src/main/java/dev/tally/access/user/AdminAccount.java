package dev.tally.access.user;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;

import dev.tally.access.AccessConfig;
import dev.tally.access.Random62;
import dev.tally.platform.SecretFiles;
import dev.tally.platform.StartupException;
import dev.tally.platform.TallyConfig;

/**
 * At first start, the local {@code admin} account: its password is TALLY_ACCESS_ADMIN_PASSWORD, or
 * generated into {@code <data dir>/admin-password} (owner-only from creation, like the admin token)
 * and named in the log, so a newcomer signs in with one command: {@code cat data/admin-password}.
 */
@ApplicationScoped
public class AdminAccount {

    private static final Logger LOG = Logger.getLogger(AdminAccount.class);
    public static final String FILE = "admin-password";

    private final UserService users;
    private final LocalSignIn signIn;
    private final AccessConfig config;
    private final TallyConfig tally;

    public AdminAccount(UserService users, LocalSignIn signIn, AccessConfig config, TallyConfig tally) {
        this.users = users;
        this.signIn = signIn;
        this.config = config;
        this.tally = tally;
    }

    private static String generated(Path file) {
        try {
            return SecretFiles.readOrCreate(
                            file, () -> Random62.of(UserService.GENERATED_PASSWORD_CHARS), "the admin password")
                    .value();
        } catch (IOException e) {
            throw new StartupException(
                    "cannot read or write the admin password at " + file + ": " + e.getMessage()
                            + ": set TALLY_ACCESS_ADMIN_PASSWORD or make TALLY_DATA_DIR writable",
                    e);
        }
    }

    void onStart(@Observes StartupEvent ev) {
        if (!signIn.enabled()) {
            return;
        }
        if (users.find(UserService.ADMIN).isPresent()) {
            return;
        }
        Path file = Path.of(tally.dataDir()).resolve(FILE);
        Optional<String> given = config.adminPassword().filter(p -> !p.isBlank());
        String password = given.orElseGet(() -> generated(file));
        if (!users.createAdmin(UserService.ADMIN, password)) {
            // another instance on the same database created it between the look above and now
            LOG.infof(
                    "the local account 'admin' was created by another instance starting at the same time: its"
                            + " password is the one that instance logged%s",
                    given.isPresent() ? "" : ", not necessarily the one in " + file.toAbsolutePath());
        } else if (given.isPresent()) {
            LOG.info("created the local account 'admin' with the password from TALLY_ACCESS_ADMIN_PASSWORD");
        } else {
            LOG.infof(
                    "created the local account 'admin': its password is in %s (sign in at /login)",
                    file.toAbsolutePath());
        }
    }
}
