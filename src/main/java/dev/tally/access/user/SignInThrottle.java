package dev.tally.access.user;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import org.jboss.logging.Logger;

import dev.tally.access.AccessConfig;

/**
 * Failed sign-ins, counted per account and per client address in PostgreSQL (so the count holds
 * across instances). Reaching the limit within the window locks the account or the address for
 * the lockout time: even the right password is refused then, which is what stops guessing.
 * Counts are written in their own transaction, so a refused sign-in still counts.
 */
@ApplicationScoped
public class SignInThrottle {

    private static final Logger LOG = Logger.getLogger(SignInThrottle.class);

    private final DataSource dataSource;
    private final AccessConfig.SignIn config;
    private final Clock clock;

    public SignInThrottle(DataSource dataSource, AccessConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config.signIn();
        this.clock = clock;
    }

    static String account(String username) {
        return "user:" + username.trim().toLowerCase(Locale.ROOT);
    }

    static String address(String address) {
        return "addr:" + address;
    }

    /** Until when the account or the address is locked, if it is now. */
    @Transactional(TxType.NOT_SUPPORTED)
    public Optional<Instant> lockedUntil(String username, String clientAddress) {
        Instant now = clock.instant();
        Instant until = null;
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT max(locked_until) FROM sign_in_failure WHERE subject IN (?, ?) AND locked_until > ?")) {
            ps.setString(1, account(username));
            ps.setString(2, address(clientAddress));
            ps.setTimestamp(3, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getTimestamp(1) != null) {
                    until = rs.getTimestamp(1).toInstant();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sign-in failures: " + e.getMessage(), e);
        }
        return Optional.ofNullable(until);
    }

    /** Until when this client address is locked, if it is now (for the sign-in page's message). */
    @Transactional(TxType.NOT_SUPPORTED)
    public Optional<Instant> addressLockedUntil(String clientAddress) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT locked_until FROM sign_in_failure WHERE subject = ? AND locked_until > ?")) {
            ps.setString(1, address(clientAddress));
            ps.setTimestamp(2, Timestamp.from(clock.instant()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getTimestamp(1).toInstant()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read sign-in failures: " + e.getMessage(), e);
        }
    }

    /** Counts a failure against the account and the address. */
    @Transactional(TxType.NOT_SUPPORTED)
    public void failed(String username, String clientAddress) {
        count(account(username), config.maxFailuresPerAccount());
        count(address(clientAddress), config.maxFailuresPerAddress());
    }

    /** A successful sign-in clears the account's count (the address keeps its own). */
    @Transactional(TxType.NOT_SUPPORTED)
    public void succeeded(String username) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM sign_in_failure WHERE subject = ?")) {
            ps.setString(1, account(username));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot clear sign-in failures: " + e.getMessage(), e);
        }
    }

    private void count(String subject, int max) {
        Instant now = clock.instant();
        Timestamp nowTs = Timestamp.from(now);
        Timestamp windowStart = Timestamp.from(now.minus(config.window()));
        // One statement: a window that has passed starts over at 1; reaching max locks until now + lockout.
        String sql = """
                INSERT INTO sign_in_failure AS f (subject, failures, window_start, locked_until)
                VALUES (?, 1, ?, CASE WHEN 1 >= ? THEN ?::timestamptz ELSE NULL END)
                ON CONFLICT (subject) DO UPDATE SET
                  failures = CASE WHEN f.window_start < ? THEN 1 ELSE f.failures + 1 END,
                  window_start = CASE WHEN f.window_start < ? THEN EXCLUDED.window_start ELSE f.window_start END,
                  locked_until = CASE WHEN (CASE WHEN f.window_start < ? THEN 1 ELSE f.failures + 1 END) >= ?
                                      THEN ?::timestamptz ELSE f.locked_until END
                RETURNING failures, locked_until""";
        Timestamp lockUntil = Timestamp.from(now.plus(config.lockout()));
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, subject);
            ps.setTimestamp(2, nowTs);
            ps.setInt(3, max);
            ps.setTimestamp(4, lockUntil);
            ps.setTimestamp(5, windowStart);
            ps.setTimestamp(6, windowStart);
            ps.setTimestamp(7, windowStart);
            ps.setInt(8, max);
            ps.setTimestamp(9, lockUntil);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getInt(1) == max) {
                    LOG.warnf("sign-in locked for %s until %s after %d failures", subject, lockUntil.toInstant(), max);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count a sign-in failure: " + e.getMessage(), e);
        }
    }
}
