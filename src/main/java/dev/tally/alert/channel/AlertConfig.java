package dev.tally.alert.channel;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Alert delivery and the weekly digest ({@code tally.alerts.*}; docs/alerts.md). */
@ConfigMapping(prefix = "tally.alerts")
public interface AlertConfig {

    /** Tally's address as people reach it; the links in Slack messages and e-mails start with it. */
    @WithDefault("http://localhost:8080")
    String publicUrl();

    /**
     * The key that seals channel URLs and secrets at rest: 64 hex characters (32 bytes). Unset = a key
     * generated into the owner-only file {@code <data dir>/alert-channel-key}. Several instances on one
     * database must share it ({@code TALLY_ALERTS_SECRET_KEY}).
     */
    Optional<String> secretKey();

    /** Kafka consumer group that reads {@code tally.alerts.v1}. */
    @WithDefault("tally-alerts")
    String groupId();

    /** Longest wait for alerts in one poll. */
    @WithDefault("500ms")
    Duration pollTimeout();

    Delivery delivery();

    Digest digest();

    interface Delivery {
        /** Threads that send; a slow receiver only holds one of them. */
        @WithDefault("4")
        int threads();

        /** How often the outbox is checked for due deliveries (new alerts also wake it at once). */
        @WithDefault("1s")
        Duration pollInterval();

        /** Attempts before a delivery is marked failed. */
        @WithDefault("8")
        int maxAttempts();

        /** Wait before the second attempt; each later wait is three times the one before. */
        @WithDefault("10s")
        Duration backoff();

        /** Longest wait between two attempts. */
        @WithDefault("1h")
        Duration maxBackoff();

        /** Connect and response timeout of one attempt. */
        @WithDefault("10s")
        Duration timeout();

        /**
         * How long a claimed delivery belongs to the instance that claimed it; after that another
         * instance may send it (the first one died mid-send). Longer than {@link #timeout()}.
         */
        @WithDefault("2m")
        Duration lease();
    }

    interface Digest {
        /** Send the weekly digest to the channels that subscribe to it. */
        @WithDefault("true")
        boolean enabled();

        /** Day of the week it is sent, in the organisation's time zone ({@code TALLY_TIMEZONE}). */
        @WithDefault("MONDAY")
        DayOfWeek day();

        /** Local time of day it is sent. */
        @WithDefault("08:00")
        LocalTime time();
    }
}
