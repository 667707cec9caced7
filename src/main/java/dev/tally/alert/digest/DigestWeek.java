package dev.tally.alert.digest;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * Which weekly digest is due at an instant: the one sent on {@code day} at {@code time} in the
 * organisation's zone, covering the Monday-to-Sunday week before the week it is sent in. Between two
 * send times the due digest is the last one, so an instance that was down at send time still sends it
 * when it comes back (once: the digest's row in PostgreSQL is the claim).
 *
 * @param first  Monday of the week reported
 * @param last   Sunday of the week reported
 * @param sendAt when it is due
 */
public record DigestWeek(LocalDate first, LocalDate last, Instant sendAt) {

    public static DigestWeek due(Instant now, ZoneId zone, DayOfWeek day, LocalTime time) {
        LocalDate today = LocalDate.ofInstant(now, zone);
        LocalDate sendDay =
                today.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).with(TemporalAdjusters.nextOrSame(day));
        Instant sendAt = sendDay.atTime(time).atZone(zone).toInstant(); // a DST gap moves it forward, never skips it
        if (now.isBefore(sendAt)) {
            sendDay = sendDay.minusWeeks(1);
            sendAt = sendDay.atTime(time).atZone(zone).toInstant();
        }
        LocalDate monday =
                sendDay.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)).minusWeeks(1);
        return new DigestWeek(monday, monday.plusDays(6), sendAt);
    }

    /** The digest's alert id, which is also its dedupe key and claim. */
    public String id() {
        return "digest:" + first;
    }
}
