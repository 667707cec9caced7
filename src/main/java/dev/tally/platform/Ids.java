package dev.tally.platform;

import java.util.UUID;

/**
 * Ids from outside: in a URL, its path or its query, a malformed one is a 400 naming the parameter,
 * not a silent 404 or a 500. The one place every resource parses them, so they all answer alike.
 *
 * <p>Only the canonical form is an id ({@link #canonical}): {@link UUID#fromString} also takes
 * shortened groups ({@code 1-1-1-1-1}) and signs ({@code +1234567-…}), so two different strings
 * would name one row, or one event.
 */
public final class Ids {

    /** How much of a malformed value the error repeats. */
    static final int ECHOED = 64;

    private Ids() {}

    /** The id in {@code value}; a 400 when it is missing or not a UUID. */
    public static UUID required(String param, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest(param + ": missing");
        }
        UUID id = canonical(value.strip());
        if (id == null) {
            String shown = value.length() <= ECHOED ? value : value.substring(0, ECHOED) + "…";
            throw ApiException.badRequest(param + ": not an id (UUID): '" + shown + "'");
        }
        return id;
    }

    /** Null when {@code value} is absent or blank, else as {@link #required}. */
    public static UUID optional(String param, String value) {
        return value == null || value.isBlank() ? null : required(param, value);
    }

    /**
     * The UUID {@code s} spells in the canonical form (RFC 9562: 8-4-4-4-12 hexadecimal digits,
     * either case), or null for anything else, null included.
     */
    public static UUID canonical(String s) {
        if (s == null || s.length() != 36) {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23
                    ? c == '-'
                    : c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!ok) {
                return null;
            }
        }
        return UUID.fromString(s);
    }
}
