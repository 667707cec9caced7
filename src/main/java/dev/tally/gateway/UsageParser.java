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
                    JsonNode usage = MAPPER.readTree(p);
                    apply(usage, wire, into);
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

    public static void apply(JsonNode usage, Api.Wire wire, Usage into) {
        if (usage == null || !usage.isObject()) {
            return;
        }
        if (wire == Api.Wire.OPENAI) {
            long prompt = usage.path("prompt_tokens").asLong(0);
            long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
            into.input = Math.max(0, prompt - cached);
            into.cacheRead = cached;
            into.output = usage.path("completion_tokens").asLong(0);
            into.reasoning = usage.path("completion_tokens_details").path("reasoning_tokens").asLong(0);
        } else {
            if (usage.hasNonNull("input_tokens")) {
                into.input = usage.get("input_tokens").asLong();
            }
            if (usage.hasNonNull("output_tokens")) {
                into.output = usage.get("output_tokens").asLong();
            }
            if (usage.hasNonNull("cache_read_input_tokens")) {
                into.cacheRead = usage.get("cache_read_input_tokens").asLong();
            }
            if (usage.hasNonNull("cache_creation_input_tokens")) {
                into.cacheWrite = usage.get("cache_creation_input_tokens").asLong();
            }
            JsonNode split = usage.get("cache_creation");
            if (split != null && split.hasNonNull("ephemeral_1h_input_tokens")) {
                into.cacheWrite1h = split.get("ephemeral_1h_input_tokens").asLong();
            }
        }
        into.reported = true;
    }
}
