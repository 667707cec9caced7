package dev.tally.access;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Sign-in, tokens and intake limits ({@code tally.access.*}; SSO is {@link SsoConfig}). */
@ConfigMapping(prefix = "tally.access")
public interface AccessConfig {

    /** Local accounts (form sign-in): auto = on unless single sign-on is configured, on, or off. */
    @WithDefault("auto")
    LocalAccounts localAccounts();

    enum LocalAccounts {
        AUTO,
        ON,
        OFF
    }

    /** Initial password of the local {@code admin} account; unset = generated into {@code <data dir>/admin-password}. */
    Optional<String> adminPassword();

    /** bcrypt cost (log2 of the rounds) of new local passwords. */
    @WithDefault("12")
    int bcryptCost();

    /** Failed sign-in throttling. */
    SignIn signIn();

    interface SignIn {
        /** Failures of one account within the window that lock it. */
        @WithDefault("5")
        int maxFailuresPerAccount();

        /** Failures from one client address within the window that lock the address. */
        @WithDefault("20")
        int maxFailuresPerAddress();

        /** The window failures are counted in. */
        @WithDefault("15m")
        Duration window();

        /** How long a locked account or address is refused, even with the right password. */
        @WithDefault("15m")
        Duration lockout();
    }

    /**
     * Longest a local session lasts from its sign-in, however often it is used (the session's idle
     * limit is {@code quarkus.http.auth.form.timeout}, 8 h).
     */
    @WithDefault("168h")
    Duration sessionMaxAge();

    /** Active gateway keys one employee may hold at once through self-service. */
    @WithDefault("20")
    int maxKeysPerEmployee();

    /** How often the last use of gateway keys and API tokens is written (one batch, not a write per call). */
    @WithDefault("30s")
    Duration lastUseFlushInterval();

    /** Limits of the outcome intake endpoints (checked before their body is read). */
    Intake intake();

    interface Intake {
        /** Largest body of POST /api/outcomes (JSON outcomes or CloudEvents). */
        @WithDefault("4M")
        MemorySize outcomesMaxBody();

        /** Largest body of POST /api/outcomes/sarif (a SARIF 2.1.0 log). */
        @WithDefault("32M")
        MemorySize sarifMaxBody();

        /** Largest body of POST /api/outcomes/import (CSV). */
        @WithDefault("16M")
        MemorySize importMaxBody();

        /** Intake requests parsed at the same time on this instance; more get 503 with Retry-After. */
        @WithDefault("4")
        int maxConcurrentParses();

        /** The Retry-After a refused intake request is told. */
        @WithDefault("5s")
        Duration retryAfter();
    }
}
