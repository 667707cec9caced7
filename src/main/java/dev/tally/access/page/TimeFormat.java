package dev.tally.access.page;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.quarkus.qute.TemplateExtension;

/** Instants on pages as a person reads them: {@code {k.lastUsedAt.minute}} → "2026-12-01 21:54 UTC". */
@TemplateExtension
public final class TimeFormat {

    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private TimeFormat() {}

    static String minute(Instant instant) {
        return instant == null ? "" : MINUTE.format(instant);
    }

    static String second(Instant instant) {
        return instant == null ? "" : SECOND.format(instant);
    }
}
