package dev.tally.access.user;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.quarkus.security.AuthenticationFailedException;

/** A sign-in refused because the account or the client address is locked after too many failures. */
public final class SignInLocked {

    private static final String UNTIL = "tally.sign-in.locked-until";

    private SignInLocked() {}

    static AuthenticationFailedException exception(Instant until) {
        return new AuthenticationFailedException(
                "too many failed sign-ins: locked until " + until, Map.of(UNTIL, until));
    }

    /** Until when, if this failure is a lock. */
    public static Optional<Instant> until(Throwable failure) {
        return failure instanceof AuthenticationFailedException e
                ? Optional.ofNullable(e.getAttribute(UNTIL))
                : Optional.empty();
    }
}
