package dev.tally.alert.channel;

import java.util.Locale;

/**
 * A delivery's state (column {@code alert_delivery.status}): pending → sending → delivered, or back to
 * pending with a later attempt time, or failed after the last attempt; cancelled when its channel is
 * deleted first.
 */
public enum DeliveryStatus {
    PENDING,
    SENDING,
    DELIVERED,
    FAILED,
    CANCELLED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus of(String db) {
        return valueOf(db.toUpperCase(Locale.ROOT));
    }
}
