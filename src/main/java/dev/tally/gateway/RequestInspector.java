package dev.tally.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.tally.events.UsageData;

/**
 * Reads what the gateway needs from a request body in one streaming pass, without building a tree:
 * the model, whether it streams, whether the client asked for OpenAI's stream usage, and the stored
 * response or conversation a Responses API create continues. The pass
 * also validates the whole body as JSON, and each way a body can be hostile gets its own 400: a
 * raw NUL byte, bytes that are not UTF-8 (RFC 3629: no overlong forms, no surrogates), nesting
 * deeper than {@value #MAX_DEPTH} levels, a top-level field the gateway reads given twice (the
 * gateway and the provider could each take a different one), and a model name that is longer
 * than {@value UsageData#MAX_MODEL_LENGTH} characters or outside the safe set ({@link ModelNames}).
 * The bytes are checked in a tight loop before the parse; neither keeps anything but the few
 * fields read. Prompts are skipped, never kept.
 */
final class RequestInspector {

    /** Deepest JSON nesting accepted in a request: tools' JSON schemas nest a few levels, never this many. */
    static final int MAX_DEPTH = 128;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    private static final int SEEN_MODEL = 1;
    private static final int SEEN_STREAM = 2;
    private static final int SEEN_STREAM_OPTIONS = 4;
    private static final int SEEN_MAX_TOKENS = 8;
    private static final int SEEN_MAX_COMPLETION_TOKENS = 16;
    private static final int SEEN_MAX_OUTPUT_TOKENS = 32;
    private static final int SEEN_BACKGROUND = 64;
    private static final int SEEN_PREVIOUS_RESPONSE_ID = 128;
    private static final int SEEN_CONVERSATION = 256;
    private static final byte[] INCLUDE_USAGE =
            "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.US_ASCII);

    /** The request is unusable; {@code message} goes to the client as a 400. */
    static final class BadRequest extends Exception {
        final String param;

        BadRequest(String message, String param) {
            super(message, null, false, false);
            this.param = param;
        }
    }

    /**
     * What the gateway reads from a body. {@code maxTokens} is {@code max_tokens}, OpenAI's
     * {@code max_completion_tokens} or its Responses API's {@code max_output_tokens} (-1 when absent);
     * {@code openBrace} is the byte offset where an option can be inserted without re-serialising the
     * body; {@code background} is the Responses API's {@code background} given as anything but
     * {@code false} or {@code null} (what a provider might take as true is refused, not guessed);
     * {@code previousResponseId} is its {@code previous_response_id} when a string (else null): the
     * stored response the call continues, whose owner the gateway checks; {@code conversation} is its
     * {@code conversation}'s id (the string, or the object's {@code id}), the conversation the call
     * adds to, whose owner the gateway checks too (null when absent, or longer than any id it records).
     */
    record Inspected(
            String model,
            boolean stream,
            boolean hasStreamOptions,
            boolean includeUsage,
            long maxTokens,
            int openBrace,
            boolean background,
            String previousResponseId,
            String conversation) {}

    /** What a Responses API create's body says (every field the gateway reads); see {@link #inspect(byte[], boolean)}. */
    static Inspected inspect(byte[] body) throws BadRequest {
        return inspect(body, true);
    }

    /**
     * @param responses the body is a Responses API create's: its {@code conversation} is read (and
     *        checked) too, which another API's body may carry as a field of its own
     */
    static Inspected inspect(byte[] body, boolean responses) throws BadRequest {
        String model = null;
        boolean stream = false;
        boolean hasStreamOptions = false;
        boolean includeUsage = false;
        long maxTokens = -1;
        boolean background = false;
        String previousResponseId = null;
        boolean previousGiven = false;
        String conversation = null;
        boolean conversationGiven = false;
        int openBrace;
        int seen = 0;
        checkBytes(body);
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new BadRequest("the request body must be a JSON object", null);
            }
            openBrace = (int) p.currentTokenLocation().getByteOffset();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                seen = once(seen, field, responses);
                switch (field) {
                    case "model" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            throw new BadRequest("model: must be a string", "model");
                        }
                        model = model(p);
                    }
                    case "max_tokens", "max_completion_tokens", "max_output_tokens" -> {
                        if (value == JsonToken.VALUE_NUMBER_INT) {
                            // a number past a long is no limit at all; getLongValue would refuse it
                            maxTokens = Math.max(
                                    maxTokens,
                                    p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                            ? Long.MAX_VALUE
                                            : p.getLongValue());
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "stream" -> {
                        if (value == JsonToken.VALUE_TRUE) {
                            stream = true;
                        } else if (value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL) {
                            throw new BadRequest("stream: must be a boolean", "stream");
                        }
                    }
                    case "background" -> {
                        background = value != JsonToken.VALUE_FALSE && value != JsonToken.VALUE_NULL;
                        p.skipChildren();
                    }
                    case "previous_response_id" -> {
                        previousGiven = value != JsonToken.VALUE_NULL;
                        // at most the path's 128 characters are worth a String: a longer one is no id Tally knows
                        if (value == JsonToken.VALUE_STRING && p.getTextLength() <= Api.MAX_OBJECT_ID) {
                            previousResponseId = p.getText();
                        }
                        p.skipChildren();
                    }
                    case "conversation" -> {
                        if (responses) {
                            conversationGiven = value != JsonToken.VALUE_NULL;
                            conversation = conversation(p, value);
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "stream_options" -> {
                        if (value == JsonToken.START_OBJECT) {
                            hasStreamOptions = true;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String option = p.currentName();
                                JsonToken v = p.nextToken();
                                if ("include_usage".equals(option) && v == JsonToken.VALUE_TRUE) {
                                    includeUsage = true;
                                }
                                p.skipChildren();
                            }
                        } else if (value != JsonToken.VALUE_NULL) {
                            throw new BadRequest("stream_options: must be an object", "stream_options");
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadRequest("the request body has data after its JSON object", null);
            }
        } catch (StreamConstraintsException e) {
            throw new BadRequest("the request body nests JSON deeper than " + MAX_DEPTH + " levels", null);
        } catch (JsonParseException e) {
            throw new BadRequest(
                    "the request body is not valid JSON: " + e.getOriginalMessage() + " at line "
                            + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr(),
                    null);
        } catch (IOException e) {
            throw new BadRequest("the request body is not valid JSON: " + e.getMessage(), null);
        }
        if (model == null || model.isBlank()) {
            throw new BadRequest("model: is required", "model");
        }
        if (previousGiven && conversationGiven) {
            // OpenAI documents previous_response_id as not to be used with conversation; and the gateway
            // would otherwise have two owners to check for one call
            throw new BadRequest(
                    "conversation: cannot be used together with previous_response_id; give one of them",
                    "conversation");
        }
        return new Inspected(
                model,
                stream,
                hasStreamOptions,
                includeUsage,
                maxTokens,
                openBrace,
                background,
                previousResponseId,
                conversation);
    }

    /**
     * The conversation's id: the string, or the object's {@code id} (OpenAI takes both); anything else,
     * or an object without a string id or with two, is refused. Null for {@code null}, and for an id
     * longer than any the gateway records (the provider says it does not hold it).
     */
    private static String conversation(JsonParser p, JsonToken value) throws IOException, BadRequest {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value == JsonToken.VALUE_STRING) {
            return p.getTextLength() <= Api.MAX_OBJECT_ID ? p.getText() : null;
        }
        if (value != JsonToken.START_OBJECT) {
            throw badConversation();
        }
        String id = null;
        boolean seenId = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if ("id".equals(name)) {
                if (seenId) {
                    throw new BadRequest(
                            "conversation: its id appears more than once in the request body", "conversation");
                }
                seenId = true;
                if (v != JsonToken.VALUE_STRING) {
                    throw badConversation();
                }
                id = p.getTextLength() <= Api.MAX_OBJECT_ID ? p.getText() : null;
            } else {
                p.skipChildren();
            }
        }
        if (!seenId) {
            throw badConversation();
        }
        return id;
    }

    private static BadRequest badConversation() {
        return new BadRequest(
                "conversation: must be a conversation id (a string) or an object with a string id", "conversation");
    }

    /** Notes a top-level field the gateway reads; the second time it appears the body is refused. */
    private static int once(int seen, String field, boolean responses) throws BadRequest {
        int bit = switch (field) {
            case "model" -> SEEN_MODEL;
            case "stream" -> SEEN_STREAM;
            case "stream_options" -> SEEN_STREAM_OPTIONS;
            case "max_tokens" -> SEEN_MAX_TOKENS;
            case "max_completion_tokens" -> SEEN_MAX_COMPLETION_TOKENS;
            case "max_output_tokens" -> SEEN_MAX_OUTPUT_TOKENS;
            case "background" -> SEEN_BACKGROUND;
            case "previous_response_id" -> SEEN_PREVIOUS_RESPONSE_ID;
            case "conversation" -> responses ? SEEN_CONVERSATION : 0;
            default -> 0;
        };
        if ((seen & bit) != 0) {
            throw new BadRequest(field + ": appears more than once in the request body", field);
        }
        return seen | bit;
    }

    /** The model name, checked before a String is made of it (a megabyte of name stays in the parser's buffer). */
    private static String model(JsonParser p) throws IOException, BadRequest {
        int length = p.getTextLength();
        if (length > UsageData.MAX_MODEL_LENGTH) {
            throw new BadRequest("model: longer than " + UsageData.MAX_MODEL_LENGTH + " characters", "model");
        }
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        for (int i = 0; i < length; i++) {
            if (!ModelNames.safe(chars[offset + i])) {
                throw new BadRequest("model: may contain only ASCII letters, digits and - _ . : / @ + [ ]", "model");
            }
        }
        return new String(chars, offset, length);
    }

    /**
     * Refuses a raw NUL byte and any byte sequence that is not UTF-8 as RFC 3629 defines it (the
     * JSON parser lets overlong forms and surrogates through), naming the offset.
     */
    static void checkBytes(byte[] b) throws BadRequest {
        int n = b.length;
        int i = 0;
        while (i < n) {
            int c = b[i];
            if (c > 0) {
                i++;
                continue;
            }
            if (c == 0) {
                throw new BadRequest("the request body contains a NUL byte at offset " + i, null);
            }
            int lead = c & 0xFF;
            int len = lead >= 0xC2 && lead <= 0xDF
                    ? 2
                    : lead >= 0xE0 && lead <= 0xEF ? 3 : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
            if (len == 0 || i + len > n) {
                throw notUtf8(i);
            }
            int second = b[i + 1] & 0xFF;
            int low = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
            int high = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
            if (second < low || second > high) {
                throw notUtf8(i);
            }
            for (int k = 2; k < len; k++) {
                if ((b[i + k] & 0xC0) != 0x80) {
                    throw notUtf8(i);
                }
            }
            i += len;
        }
    }

    private static BadRequest notUtf8(int offset) {
        return new BadRequest("the request body is not valid UTF-8 at byte offset " + offset, null);
    }

    /**
     * The body with the value of its (one) top-level {@code model} replaced, for a model admission
     * rewrote; the client's other bytes stay as they are. Rare, so it reads the body a second time
     * rather than making every call note where its model is.
     */
    static byte[] withModel(byte[] body, String model) throws BadRequest {
        int start = -1;
        int end = -1;
        try (JsonParser p = FACTORY.createParser(body)) {
            p.nextToken();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                JsonToken value = p.nextToken();
                if ("model".equals(p.currentName()) && value == JsonToken.VALUE_STRING) {
                    start = (int) p.currentTokenLocation().getByteOffset();
                    p.getText(); // reads to the closing quote
                    end = (int) p.currentLocation().getByteOffset();
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new BadRequest("the request body is not valid JSON", null);
        }
        if (start < 0) {
            throw new BadRequest("model: is required", "model");
        }
        byte[] value = ("\"" + new String(JsonStringEncoder.getInstance().quoteAsString(model)) + "\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[body.length - (end - start) + value.length];
        System.arraycopy(body, 0, out, 0, start);
        System.arraycopy(value, 0, out, start, value.length);
        System.arraycopy(body, end, out, start + value.length, body.length - end);
        return out;
    }

    /**
     * The body with {@code stream_options.include_usage=true}: inserted after the opening brace when
     * the client sent no stream_options (no re-serialisation, the client's bytes stay as they are),
     * otherwise rewritten through a tree.
     */
    static byte[] withIncludeUsage(byte[] body, Inspected inspected) throws BadRequest {
        if (!inspected.hasStreamOptions()) {
            int at = inspected.openBrace() + 1;
            byte[] out = new byte[body.length + INCLUDE_USAGE.length];
            System.arraycopy(body, 0, out, 0, at);
            System.arraycopy(INCLUDE_USAGE, 0, out, at, INCLUDE_USAGE.length);
            System.arraycopy(body, at, out, at + INCLUDE_USAGE.length, body.length - at);
            return out;
        }
        try {
            ObjectNode tree = (ObjectNode) UsageParser.MAPPER.readTree(body);
            ((ObjectNode) tree.get("stream_options")).put("include_usage", true);
            return UsageParser.MAPPER.writeValueAsBytes(tree);
        } catch (IOException | ClassCastException e) {
            throw new BadRequest("the request body is not valid JSON", null);
        }
    }
}
