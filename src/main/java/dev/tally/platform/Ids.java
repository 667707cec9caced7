package dev.tally.platform;

import java.util.UUID;

/**
 * Ids in a URL, in its path or its query: a malformed one is a 400 naming the parameter, not a
 * silent 404 or a 500. The one place every resource parses them, so they all answer alike.
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
        try {
            return UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            String shown = value.length() <= ECHOED ? value : value.substring(0, ECHOED) + "…";
            throw ApiException.badRequest(param + ": not an id (UUID): '" + shown + "'");
        }
    }

    /** Null when {@code value} is absent or blank, else as {@link #required}. */
    public static UUID optional(String param, String value) {
        return value == null || value.isBlank() ? null : required(param, value);
    }
}
