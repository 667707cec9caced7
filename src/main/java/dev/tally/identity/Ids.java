package dev.tally.identity;

import java.util.UUID;

import dev.tally.platform.ApiException;

/** Query parameters that are ids: a malformed one is a 400 naming the parameter, not a silent 404. */
final class Ids {
    private Ids() {}

    static UUID optional(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field + ": not an id (UUID): " + value);
        }
    }
}
