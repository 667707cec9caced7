package dev.tally.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes a usage event (one per gateway call) straight into a byte array instead of through
 * Jackson: the same bytes as the app's {@code ObjectMapper.writeValueAsBytes} gives for
 * {@code CloudEvent<UsageData>} — envelope fields in declaration order with nulls left out, every
 * data field written, {@code time} in ISO-8601, strings escaped as Jackson escapes them ({@code "},
 * backslash, control characters and UTF-16 surrogates; everything else as UTF-8). {@code UsageEventJsonTest}
 * compares the two byte for byte, escapes included. It runs on the gateway's event loop once per
 * call, where data binding, then Jackson's generator, still showed as 4-5 % of the CPU at
 * saturation; this is about a quarter of that. It allocates only the event's own array: each thread
 * writes into a scratch buffer of its own, ASCII strings, numbers and the time go into it without
 * an intermediate {@code String} or {@code byte[]} (before this, about 5 KB per call, a fifth of the
 * gateway's allocation per call; see docs/benchmarks.md).
 */
public final class UsageEventJson {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] K_SPECVERSION = key("specversion");
    private static final byte[] K_ID = key("id");
    private static final byte[] K_SOURCE = key("source");
    private static final byte[] K_TYPE = key("type");
    private static final byte[] K_SUBJECT = key("subject");
    private static final byte[] K_TIME = key("time");
    private static final byte[] K_DATACONTENTTYPE = key("datacontenttype");
    private static final byte[] K_DATA = key("data");
    /** One {@code "name":} per {@link UsageField}, by ordinal: the data fields come from that one definition. */
    private static final UsageField[] FIELDS = UsageField.values();

    private static final byte[][] K_FIELDS =
            UsageField.ALL.stream().map(f -> key(f.json())).toArray(byte[][]::new);

    /** {@code 9999-12-31T23:59:59Z}: later instants (and earlier than 1970) are written by {@link Instant#toString}. */
    private static final long LAST_SECOND_OF_9999 = 253_402_300_799L;

    /** The scratch buffer a thread starts with: a usage event is about 1 KB. */
    private static final int START_CAPACITY = 2048;
    /** A scratch buffer grown past this (an event with very long strings) is not kept for the next one. */
    private static final int KEEP_AT_MOST = 64 * 1024;

    /** One writer per thread (the gateway's event loops): its buffer is reused from event to event. */
    private static final ThreadLocal<UsageEventJson> WRITERS = ThreadLocal.withInitial(UsageEventJson::new);

    private byte[] buf = new byte[START_CAPACITY];
    private int len;

    private UsageEventJson() {}

    public static byte[] write(CloudEvent<UsageData> e) {
        UsageEventJson w = WRITERS.get();
        w.len = 0;
        try {
            w.event(e);
            return Arrays.copyOf(w.buf, w.len);
        } finally {
            if (w.buf.length > KEEP_AT_MOST) {
                w.buf = new byte[START_CAPACITY];
            }
        }
    }

    private void event(CloudEvent<UsageData> e) {
        raw('{');
        boolean first = true;
        first = optional(first, K_SPECVERSION, e.specversion());
        first = optional(first, K_ID, e.id());
        first = optional(first, K_SOURCE, e.source());
        first = optional(first, K_TYPE, e.type());
        first = optional(first, K_SUBJECT, e.subject());
        if (e.time() != null) {
            name(first, K_TIME);
            instant(e.time());
            first = false;
        }
        first = optional(first, K_DATACONTENTTYPE, e.datacontenttype());
        UsageData d = e.data();
        if (d != null) {
            name(first, K_DATA);
            raw('{');
            for (UsageField f : FIELDS) {
                field(f, K_FIELDS[f.ordinal()], d);
            }
            raw('}');
        }
        raw('}');
    }

    /** One data field of {@code d}, typed as the record component it is. */
    private void field(UsageField f, byte[] k, UsageData d) {
        boolean first = f.ordinal() == 0;
        switch (f) {
            case REQUEST_ID -> string(first, k, d.requestId());
            case KEY_ID -> string(first, k, d.keyId());
            case EMPLOYEE_ID -> string(first, k, d.employeeId());
            case TEAM_ID -> string(first, k, d.teamId());
            case PROVIDER -> string(first, k, d.provider());
            case MODEL -> string(first, k, d.model());
            case API -> string(first, k, d.api());
            case STREAM -> bool(k, d.stream());
            case STATUS -> number(k, d.status());
            case OUTCOME -> string(first, k, d.outcome());
            case INPUT_TOKENS, OUTPUT_TOKENS, CACHE_READ_TOKENS, CACHE_WRITE_TOKENS, REASONING_TOKENS ->
                number(k, f.tokenKind().of(d));
            case COST_NANOS -> nullable(k, d.costNanos());
            case PRICED -> bool(k, d.priced());
            case ESTIMATED -> bool(k, d.estimated());
            case LATENCY_MS -> number(k, d.latencyMs());
            case TTFT_MS -> nullable(k, d.ttftMs());
            case DOWNGRADED_FROM -> string(first, k, d.downgradedFrom());
            case REFUSAL -> string(first, k, d.refusal());
            case WORKLOAD -> string(first, k, d.workload());
            case RUN_ID -> string(first, k, d.runId());
            case CLIENT -> string(first, k, d.client());
            default -> throw new IllegalStateException("usage field " + f + " has no writer");
        }
    }

    private boolean optional(boolean first, byte[] name, String value) {
        if (value == null) {
            return first;
        }
        string(first, name, value);
        return false;
    }

    private void string(boolean first, byte[] name, String value) {
        name(first, name);
        if (value == null) {
            ascii("null");
        } else {
            quoted(value);
        }
    }

    private void bool(byte[] name, boolean value) {
        name(false, name);
        ascii(value ? "true" : "false");
    }

    private void number(byte[] name, long value) {
        name(false, name);
        digits(value);
    }

    private void nullable(byte[] name, Long value) {
        name(false, name);
        if (value == null) {
            ascii("null");
        } else {
            digits(value);
        }
    }

    /** {@code value} in decimal, as {@code Long.toString} writes it. */
    private void digits(long value) {
        if (value < 0) {
            ascii(Long.toString(value)); // never in a usage event; kept exact rather than fast
            return;
        }
        int n = 1;
        for (long v = value / 10; v > 0; v /= 10) {
            n++;
        }
        ensure(n);
        len += n;
        long v = value;
        for (int i = len - 1; i >= len - n; i--) {
            buf[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }

    /**
     * {@code "time"} as {@link Instant#toString} (ISO-8601, UTC, the fraction in groups of three digits
     * as needed) without building the string; instants outside the years 1970-9999 take that method.
     */
    private void instant(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < 0 || seconds > LAST_SECOND_OF_9999) {
            quoted(t.toString());
            return;
        }
        long days = seconds / 86_400;
        int secondOfDay = (int) (seconds % 86_400);
        // civil date from days since 1970-01-01 (H. Hinnant's days_from_civil, inverted)
        long z = days + 719_468;
        long era = z / 146_097;
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        ensure(32);
        buf[len++] = '"';
        fixed(year, 4);
        buf[len++] = '-';
        fixed(month, 2);
        buf[len++] = '-';
        fixed(day, 2);
        buf[len++] = 'T';
        fixed(secondOfDay / 3600, 2);
        buf[len++] = ':';
        fixed(secondOfDay / 60 % 60, 2);
        buf[len++] = ':';
        fixed(secondOfDay % 60, 2);
        int nanos = t.getNano();
        if (nanos > 0) {
            buf[len++] = '.';
            if (nanos % 1_000_000 == 0) {
                fixed(nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                fixed(nanos / 1000, 6);
            } else {
                fixed(nanos, 9);
            }
        }
        buf[len++] = 'Z';
        buf[len++] = '"';
    }

    /** {@code value} (not negative) in exactly {@code width} digits, zero-padded; room already ensured. */
    private void fixed(int value, int width) {
        for (int i = len + width - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        len += width;
    }

    /** {@code "name":} in bytes: the field names are constants, plain ASCII. */
    private static byte[] key(String name) {
        return ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    private void name(boolean first, byte[] key) {
        if (!first) {
            raw(',');
        }
        ensure(key.length);
        System.arraycopy(key, 0, buf, len, key.length);
        len += key.length;
    }

    private void quoted(String s) {
        int n = s.length();
        if (plain(s)) {
            // the common case (ids, model names): ASCII with nothing to escape, one byte per char
            ensure(n + 2);
            buf[len++] = '"';
            for (int i = 0; i < n; i++) {
                buf[len++] = (byte) s.charAt(i);
            }
            buf[len++] = '"';
            return;
        }
        raw('"');
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                escaped(c);
            } else if (Character.isSurrogate(c)) {
                // Jackson writes each UTF-16 surrogate as an escape (COMBINE_UNICODE_SURROGATES_IN_UTF8 is off)
                unicodeEscape(c);
            } else if (c < 0x800) {
                raw(0xC0 | (c >> 6));
                raw(0x80 | (c & 0x3F));
            } else {
                raw(0xE0 | (c >> 12));
                raw(0x80 | ((c >> 6) & 0x3F));
                raw(0x80 | (c & 0x3F));
            }
        }
        raw('"');
    }

    /** ASCII without a quote, backslash or control character: written as it is. */
    private static boolean plain(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private void unicodeEscape(char c) {
        raw('\\');
        raw('u');
        raw(HEX[(c >> 12) & 0xF]);
        raw(HEX[(c >> 8) & 0xF]);
        raw(HEX[(c >> 4) & 0xF]);
        raw(HEX[c & 0xF]);
    }

    /** One ASCII character: Jackson's standard escapes ({@code \n} and friends, else backslash-u00XX). */
    private void escaped(char c) {
        switch (c) {
            case '"' -> ascii("\\\"");
            case '\\' -> ascii("\\\\");
            case '\b' -> ascii("\\b");
            case '\t' -> ascii("\\t");
            case '\n' -> ascii("\\n");
            case '\f' -> ascii("\\f");
            case '\r' -> ascii("\\r");
            default -> {
                if (c < 0x20) {
                    unicodeEscape(c);
                } else {
                    raw(c);
                }
            }
        }
    }

    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    private void raw(int c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, len + more)];
            System.arraycopy(buf, 0, bigger, 0, len);
            buf = bigger;
        }
    }
}
