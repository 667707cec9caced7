package dev.tally.alert.channel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.tally.events.CloudEvent;
import dev.tally.platform.Ids;

/**
 * Reads a {@code dev.tally.alert.v1} CloudEvent from {@code tally.alerts.v1}: the alert and the
 * channels it goes to ({@code data.channelIds}). Anything else is an {@link InvalidAlert} naming the
 * field, so one bad message is skipped and logged and never stops the consumer.
 */
public final class AlertEvents {

    /** At most this much of a message is stored and forwarded: an alert is a few hundred bytes. */
    static final int MAX_BYTES = 64 * 1024;

    private AlertEvents() {}

    /** An alert and the channels that should receive it. */
    public record Incoming(Alert alert, List<UUID> channelIds) {}

    public static final class InvalidAlert extends Exception {
        InvalidAlert(String message) {
            super(message, null, false, false);
        }
    }

    public static Incoming parse(byte[] value, ObjectMapper mapper) throws InvalidAlert {
        if (value == null || value.length == 0) {
            throw new InvalidAlert("empty message");
        }
        if (value.length > MAX_BYTES) {
            throw new InvalidAlert("message of " + value.length + " bytes, more than " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = mapper.readTree(value);
        } catch (IOException e) {
            throw new InvalidAlert("not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidAlert("not a JSON object");
        }
        if (!CloudEvent.ALERT_TYPE.equals(root.path("type").asText())) {
            throw new InvalidAlert("type is '" + root.path("type").asText() + "', not " + CloudEvent.ALERT_TYPE);
        }
        String id = text(root, "id");
        if (id == null || id.isBlank() || id.length() > 500) {
            throw new InvalidAlert("id: missing or longer than 500 characters");
        }
        JsonNode data = root.path("data");
        if (!data.isObject()) {
            throw new InvalidAlert("data: missing");
        }
        AlertKind kind = AlertKind.of(text(data, "kind"));
        if (kind == null || kind == AlertKind.DIGEST) {
            throw new InvalidAlert("data.kind: '" + text(data, "kind") + "' is not an alert kind");
        }
        Instant at = instant(data, "data.", "at");
        if (at == null) {
            at = instant(root, "", "time");
        }
        if (at == null) {
            throw new InvalidAlert("data.at: missing");
        }
        Alert alert = new Alert(
                id,
                kind,
                text(data, "scope"),
                text(data, "scopeId"),
                text(data, "scopeName"),
                uuid(data, "budgetId"),
                integer(data, "threshold"),
                longValue(data, "spentNanos"),
                longValue(data, "limitNanos"),
                longValue(data, "projectedNanos"),
                instant(data, "data.", "projectedExhaustedAt"),
                instant(data, "data.", "periodStart"),
                instant(data, "data.", "periodEnd"),
                text(data, "link"),
                at,
                new String(value, StandardCharsets.UTF_8));
        List<UUID> channels = new ArrayList<>();
        JsonNode ids = data.path("channelIds");
        if (!ids.isMissingNode() && !ids.isNull()) {
            if (!ids.isArray()) {
                throw new InvalidAlert("data.channelIds: not a list");
            }
            for (JsonNode n : ids) {
                channels.add(parseUuid(n.asText(), "data.channelIds"));
            }
        }
        return new Incoming(alert, List.copyOf(channels));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Integer integer(JsonNode n, String field) throws InvalidAlert {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt()) {
            throw new InvalidAlert("data." + field + ": not a whole number");
        }
        return v.intValue();
    }

    private static Long longValue(JsonNode n, String field) throws InvalidAlert {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new InvalidAlert("data." + field + ": not integer nano-dollars");
        }
        return v.longValue();
    }

    private static Instant instant(JsonNode n, String path, String field) throws InvalidAlert {
        String s = text(n, field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new InvalidAlert(path + field + ": not an ISO-8601 instant");
        }
    }

    private static UUID uuid(JsonNode n, String field) throws InvalidAlert {
        String s = text(n, field);
        return s == null ? null : parseUuid(s, "data." + field);
    }

    private static UUID parseUuid(String s, String field) throws InvalidAlert {
        UUID id = Ids.canonical(s);
        if (id == null) {
            throw new InvalidAlert(field + ": '" + s + "' is not a UUID");
        }
        return id;
    }
}
