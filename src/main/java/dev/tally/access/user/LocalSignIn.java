package dev.tally.access.user;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *
 * <p>A session names its account, a stamp of the account's password hash and the time it began
 * ({@link Session#principal}, kept in the encrypted session cookie). A new password (changed by its
 * owner or reset by an admin) has a new hash, so every session begun before it ends at its next
 * request; and a session ends {@code tally.access.session-max-age} after its sign-in, however often
 * it is used (each request would otherwise extend it).
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
    private final Clock clock;
    private final Duration maxAge;

    public LocalSignIn(UserService users, SignInThrottle throttle, AccessConfig config, SsoConfig sso, Clock clock) {
        this.users = users;
        this.throttle = throttle;
        this.clock = clock;
        this.maxAge = config.sessionMaxAge();
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

    /** A signed-in local account: who it is, and the principal its session cookie keeps. */
    public record Session(Viewer viewer, String principal) {}

    /** Between the account's name, its stamp and the sign-in time in a session's principal. */
    private static final char STAMP_SEPARATOR = '|';

    /** name|stamp|signed-in epoch second; anything else is a session from before (sign in again). */
    private static final Pattern PRINCIPAL = Pattern.compile("(.+)\\|([0-9a-f]{16})\\|([0-9]{1,18})");

    public Session verify(String username, char[] password, String clientAddress) {
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
        return session(user.get(), clock.instant().getEpochSecond());
    }

    /**
     * The viewer behind a session cookie: the account must still exist, be enabled and have the
     * password the session began with.
     */
    public Session restore(String principal) {
        if (!enabled) {
            throw new AuthenticationFailedException("local accounts are off");
        }
        Matcher p = PRINCIPAL.matcher(principal);
        if (!p.matches()) {
            throw new AuthenticationFailedException("a session without a password stamp or a start: sign in again");
        }
        long signedIn = Long.parseLong(p.group(3));
        if (clock.instant().isAfter(Instant.ofEpochSecond(signedIn).plus(maxAge))) {
            throw new AuthenticationFailedException("the session is older than tally.access.session-max-age");
        }
        AppUser u = users.find(p.group(1))
                .filter(x -> x.disabledAt == null)
                .orElseThrow(() -> new AuthenticationFailedException("the account is gone or disabled"));
        if (!MessageDigest.isEqual(
                stamp(u.passwordHash).getBytes(StandardCharsets.US_ASCII),
                p.group(2).getBytes(StandardCharsets.US_ASCII))) {
            throw new AuthenticationFailedException("the password changed after this session began");
        }
        // the same account, password and start: the cookie keeps the principal it had
        return new Session(users.viewer(u), principal);
    }

    private Session session(AppUser u, long signedInEpochSecond) {
        return new Session(
                users.viewer(u),
                u.username + STAMP_SEPARATOR + stamp(u.passwordHash) + STAMP_SEPARATOR + signedInEpochSecond);
    }

    /** 16 hex digits of the SHA-256 of the bcrypt hash: changes with every new password (bcrypt salts). */
    static String stamp(String passwordHash) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(passwordHash.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
