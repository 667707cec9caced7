package dev.tally.access.user;

import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import org.jboss.logging.Logger;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.security.AuthenticationFailedException;

import dev.tally.access.AccessConfig;
import dev.tally.access.SsoConfig;
import dev.tally.access.Viewer;

/**
 * Checks a local account's password: throttle first (a locked account or address is refused
 * before any password is checked), then bcrypt. An unknown name costs the same bcrypt work as a
 * known one, so response times do not tell which accounts exist.
 */
@ApplicationScoped
@ActivateRequestContext
public class LocalSignIn {

    private static final Logger LOG = Logger.getLogger(LocalSignIn.class);
    private static final int MAX_USERNAME = 320;
    /**
     * A bcrypt hash of a random string, checked against when the account does not exist. Made on the
     * first sign-in, not at start: bcrypt is a third of a second of CPU that a start does not need
     * (docs/startup.md). Every sign-in asks for it before looking the name up, so the first one costs
     * the same whether the account exists or not.
     */
    private volatile String dummyHash;

    private final UserService users;
    private final SignInThrottle throttle;
    private final boolean enabled;

    public LocalSignIn(UserService users, SignInThrottle throttle, AccessConfig config, SsoConfig sso) {
        this.users = users;
        this.throttle = throttle;
        this.enabled = switch (config.localAccounts()) {
            case ON -> true;
            case OFF -> false;
            case AUTO -> sso.authServerUrl().isEmpty();
        };
    }

    private String dummyHash() {
        String h = dummyHash;
        if (h == null) {
            synchronized (this) {
                h = dummyHash;
                if (h == null) {
                    h = users.hash(dev.tally.access.Random62.of(20));
                    dummyHash = h;
                }
            }
        }
        return h;
    }

    /** Whether local accounts may sign in here (off by default once single sign-on is configured). */
    public boolean enabled() {
        return enabled;
    }

    public Viewer verify(String username, char[] password, String clientAddress) {
        if (!enabled) {
            throw new AuthenticationFailedException("local accounts are off: sign in through single sign-on");
        }
        String name = username.length() > MAX_USERNAME ? username.substring(0, MAX_USERNAME) : username;
        Optional<Instant> locked = throttle.lockedUntil(name, clientAddress);
        if (locked.isPresent()) {
            throw SignInLocked.exception(locked.get());
        }
        String dummy = dummyHash();
        Optional<AppUser> user = users.find(name);
        String pw = new String(password);
        boolean ok = BcryptUtil.matches(pw, user.map(u -> u.passwordHash).orElse(dummy))
                && user.isPresent()
                && user.get().disabledAt == null;
        if (!ok) {
            throttle.failed(name, clientAddress);
            LOG.infof("failed sign-in from %s", clientAddress);
            throw new AuthenticationFailedException("wrong e-mail or password");
        }
        throttle.succeeded(name);
        return users.viewer(user.get());
    }

    /** The viewer behind a session cookie: the account must still exist and be enabled. */
    public Viewer restore(String username) {
        if (!enabled) {
            throw new AuthenticationFailedException("local accounts are off");
        }
        AppUser u = users.find(username)
                .filter(x -> x.disabledAt == null)
                .orElseThrow(() -> new AuthenticationFailedException("the account is gone or disabled"));
        return users.viewer(u);
    }
}
