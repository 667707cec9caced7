package dev.tally.gateway;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.util.TokenBuffer;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * Reads the top-level {@code usage} object of a provider's JSON answer while its chunks pass
 * through, with Jackson's non-blocking parser: nothing of the answer is kept but the parser's state
 * and the usage object's tokens, so an answer of any size (or one that never ends) holds no more
 * memory than its longest string. Once the usage object is complete it is read by
 * {@link UsageParser} and the rest of the answer is no longer parsed. A Responses API answer's
 * top-level {@code id} (before its usage, as OpenAI writes it) is kept too, and so is a created
 * conversation's (an answer without usage, read to its end): {@link Usage#responseId}.
 */
final class JsonUsageTap {

    /** Beyond this many tokens a "usage" object is not one: the call's usage is then estimated. */
    static final int MAX_USAGE_TOKENS = 1_000;
    /** Longest string the tap tokenizes (characters); a longer one ends the tap: usage is then estimated. */
    static final int MAX_STRING = 8_000_000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxStringLength(MAX_STRING).build())
            .build();

    private final Api.Wire wire;
    private final Usage usage;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private int depth;
    private boolean usageNext;
    /** The next token is the top-level {@code id} of a Responses API answer. */
    private boolean idNext;

    private TokenBuffer captured;
    private int capturedTokens;
    private boolean done;

    JsonUsageTap(Api.Wire wire, Usage usage) {
        this.wire = wire;
        this.usage = usage;
        try {
            this.parser = FACTORY.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("a non-blocking parser over nothing cannot fail", e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    /** Takes the next chunk of the answer (the chunk itself is passed on untouched). */
    void onChunk(Buffer chunk) {
        if (done || chunk.length() == 0) {
            return;
        }
        ByteBuf buf = chunk.getByteBuf();
        try {
            if (buf.hasArray()) {
                int from = buf.arrayOffset() + buf.readerIndex();
                feeder.feedInput(buf.array(), from, from + buf.readableBytes());
            } else {
                byte[] b = chunk.getBytes();
                feeder.feedInput(b, 0, b.length);
            }
            for (JsonToken t = parser.nextToken(); t != JsonToken.NOT_AVAILABLE; t = parser.nextToken()) {
                if (t == null || token(t)) {
                    finish();
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            finish(); // not JSON, or past a limit: the usage is estimated when the call ends
        }
    }

    /** Handles one token; true when the tap is done (the usage object is read, or was not one). */
    private boolean token(JsonToken t) throws IOException {
        if (captured != null) {
            captured.copyCurrentEvent(parser);
            if (++capturedTokens > MAX_USAGE_TOKENS) {
                captured = null;
                return true;
            }
        }
        switch (t) {
            case START_OBJECT, START_ARRAY -> {
                if (depth == 1 && usageNext && t == JsonToken.START_OBJECT) {
                    captured = new TokenBuffer(null, false);
                    captured.copyCurrentEvent(parser);
                }
                depth++;
                usageNext = false;
                idNext = false;
            }
            case END_OBJECT, END_ARRAY -> {
                depth--;
                if (captured != null && depth == 1) {
                    try (JsonParser p = captured.asParser()) {
                        UsageParser.fromUsageObject(p, wire, usage);
                    }
                    captured = null;
                    return true;
                }
            }
            case FIELD_NAME -> {
                usageNext = depth == 1 && "usage".equals(parser.currentName());
                idNext = depth == 1 && wire == Api.Wire.OPENAI_RESPONSES && "id".equals(parser.currentName());
            }
            case VALUE_STRING -> {
                if (idNext && usage.responseId == null && parser.getTextLength() <= Api.MAX_OBJECT_ID) {
                    String id = parser.getText();
                    usage.responseId = Api.safeObjectId(id) ? id : null;
                }
                usageNext = false;
                idNext = false;
            }
            default -> {
                usageNext = false;
                idNext = false;
            }
        }
        return false;
    }

    /** Whether the tap has stopped reading (usage found, not JSON, or past a limit). */
    boolean done() {
        return done;
    }

    private void finish() {
        done = true;
        captured = null;
        try {
            parser.close();
        } catch (IOException e) {
            // nothing held but memory
        }
    }
}
