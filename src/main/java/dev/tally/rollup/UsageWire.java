package dev.tally.rollup;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import dev.tally.events.UsageField;

/**
 * A usage event as it came, read with a streaming parser ({@link EventDecoder#usage} is the hot
 * path: every model call): the envelope, and of {@code data} the fields {@link UsageField} says the
 * rollups use or check, typed as it says, by ordinal. Everything else is skipped unparsed; whether
 * what was read is enough is {@link EventDecoder}'s to say.
 */
final class UsageWire {

    /** {@code data.<name>} of each field, by ordinal: the error messages' paths, made once. */
    private static final String[] PATHS =
            UsageField.ALL.stream().map(f -> "data." + f.json()).toArray(String[]::new);
    /** The fields the rollups use or check (by ordinal); the others are skipped unparsed. */
    private static final boolean[] READ = new boolean[UsageField.ALL.size()];

    static {
        for (UsageField f : UsageField.ALL) {
            READ[f.ordinal()] = f.need() != UsageField.Need.NEVER || f.tokenKind() != null;
        }
    }

    String specversion, id, type, subject, time;
    boolean hasData;
    /** The values read, by {@link UsageField} ordinal: String, Long or Boolean, null when absent or null. */
    final Object[] data = new Object[UsageField.ALL.size()];

    private UsageWire() {}

    /** The path of a field in error messages ({@code data.keyId}). */
    static String path(UsageField field) {
        return PATHS[field.ordinal()];
    }

    static UsageWire read(JsonFactory json, byte[] value) throws InvalidEventException {
        UsageWire f = new UsageWire();
        try (JsonParser p = json.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException("wrong type or shape (expected a JSON object)");
            }
            readEnvelope(p, f);
            if (p.nextToken() != null) {
                throw new InvalidEventException("not JSON: trailing content after the object");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(EventDecoder.clip("not JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new InvalidEventException(EventDecoder.clip("not JSON: " + e.getMessage()));
        }
        return f;
    }

    private static void readEnvelope(JsonParser p, UsageWire f) throws IOException, InvalidEventException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            switch (name) {
                case "specversion" -> f.specversion = string(p, t, name);
                case "id" -> f.id = string(p, t, name);
                case "type" -> f.type = string(p, t, name);
                case "subject" -> f.subject = string(p, t, name);
                case "time" -> f.time = string(p, t, name);
                case "data" -> {
                    if (t == JsonToken.VALUE_NULL) {
                        break;
                    }
                    if (t != JsonToken.START_OBJECT) {
                        throw new InvalidEventException("data: wrong type or shape (expected an object)");
                    }
                    f.hasData = true;
                    readData(p, f);
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void readData(JsonParser p, UsageWire f) throws IOException, InvalidEventException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            UsageField field = UsageField.byName(p.currentName());
            JsonToken t = p.nextToken();
            if (field == null || !READ[field.ordinal()]) {
                p.skipChildren();
                continue;
            }
            String path = PATHS[field.ordinal()];
            f.data[field.ordinal()] = switch (field.type()) {
                case STRING, UUID -> string(p, t, path);
                case INTEGER -> integer(p, t, path);
                case BOOLEAN -> bool(t, path);
            };
        }
    }

    private static Boolean bool(JsonToken t, String field) throws InvalidEventException {
        if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            return t == JsonToken.VALUE_TRUE;
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw wrongType(field, "a boolean", t);
    }

    private static String string(JsonParser p, JsonToken t, String field) throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw wrongType(field, "a string", t);
    }

    private static Long integer(JsonParser p, JsonToken t, String field) throws IOException, InvalidEventException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                throw new InvalidEventException(field + ": out of range");
            }
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        throw wrongType(field, "an integer", t);
    }

    private static InvalidEventException wrongType(String field, String expected, JsonToken got) {
        return new InvalidEventException(field + ": wrong type or shape (expected " + expected + ", got "
                + (got == null ? "nothing" : got.asString() != null ? got.asString() : got.name()) + ")");
    }
}
