package dev.tally.gateway;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the providers' usage blocks, per their documented shapes:
 * <ul>
 * <li>OpenAI {@code usage}: {@code prompt_tokens} INCLUDES {@code prompt_tokens_details.cached_tokens},
 * so input = prompt − cached; {@code completion_tokens} includes
 * {@code completion_tokens_details.reasoning_tokens}. Embeddings only have {@code prompt_tokens}.</li>
 * <li>Anthropic {@code usage}: {@code input_tokens} EXCLUDES {@code cache_read_input_tokens} and
 * {@code cache_creation_input_tokens} (reported beside it); {@code cache_creation} splits the writes
 * into 5-minute and 1-hour ones. In a stream, {@code message_start} carries the first counts and
 * {@code message_delta} the cumulative ones, so a field that is present replaces the earlier value.</li>
 * </ul>
 */
public final class UsageParser {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private UsageParser() {
    }

    /** Usage from a whole JSON response body; false when it has none (or is not JSON). */
    public static boolean fromResponseBody(byte[] body, int offset, int length, Api.Wire wire, Usage into) {
        try (JsonParser p = FACTORY.createParser(body, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    read(p, wire, into);
                    into.complete = true;
                    return true;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Applies a usage object already read into a tree (the SSE events): same rules as a response body. */
    public static void apply(JsonNode usage, Api.Wire wire, Usage into) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        try (JsonParser p = usage.traverse()) {
            p.nextToken();
            read(p, wire, into);
        } catch (IOException e) {
            throw new IllegalStateException("reading a parsed tree cannot fail", e);
        }
    }

    /**
     * Reads the usage object the parser is on (at its START_OBJECT) token by token, without building
     * a tree. OpenAI: every count is set (absent = 0). Anthropic: a count that is present and not
     * null replaces the earlier one (message_start, then the cumulative message_delta).
     */
    private static void read(JsonParser p, Api.Wire wire, Usage into) throws IOException {
        long prompt = 0, cached = 0, completion = 0, reasoning = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (wire == Api.Wire.OPENAI) {
                switch (field) {
                    case "prompt_tokens" -> prompt = number(p, value, 0);
                    case "completion_tokens" -> completion = number(p, value, 0);
                    case "prompt_tokens_details" -> cached = nested(p, value, "cached_tokens", 0);
                    case "completion_tokens_details" -> reasoning = nested(p, value, "reasoning_tokens", 0);
                    default -> p.skipChildren();
                }
            } else {
                switch (field) {
                    case "input_tokens" -> into.input = number(p, value, into.input);
                    case "output_tokens" -> into.output = number(p, value, into.output);
                    case "cache_read_input_tokens" -> into.cacheRead = number(p, value, into.cacheRead);
                    case "cache_creation_input_tokens" -> into.cacheWrite = number(p, value, into.cacheWrite);
                    case "cache_creation" -> into.cacheWrite1h = nested(p, value, "ephemeral_1h_input_tokens", into.cacheWrite1h);
                    default -> p.skipChildren();
                }
            }
        }
        if (wire == Api.Wire.OPENAI) {
            into.input = Math.max(0, prompt - cached);
            into.cacheRead = cached;
            into.output = completion;
            into.reasoning = reasoning;
        }
        into.reported = true;
    }

    /** The value as a count (numbers, and numbers sent as strings); {@code otherwise} for null or anything else. */
    private static long number(JsonParser p, JsonToken value, long otherwise) throws IOException {
        return switch (value) {
            // beyond a long it is no count (and getLongValue would throw): treated like a non-numeric value
            case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? otherwise
                    : p.getLongValue();
            case VALUE_NUMBER_FLOAT -> (long) p.getDoubleValue();
            case VALUE_STRING -> {
                try {
                    yield Long.parseLong(p.getText().trim());
                } catch (NumberFormatException e) {
                    yield otherwise;
                }
            }
            default -> {
                p.skipChildren();
                yield otherwise;
            }
        };
    }

    /** One count inside a nested object ({@code prompt_tokens_details.cached_tokens} and the like). */
    private static long nested(JsonParser p, JsonToken value, String name, long otherwise) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return otherwise;
        }
        long out = otherwise;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals(field)) {
                out = number(p, v, otherwise);
            } else {
                p.skipChildren();
            }
        }
        return out;
    }
}
