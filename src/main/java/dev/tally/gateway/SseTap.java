package dev.tally.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.fasterxml.jackson.databind.JsonNode;

import io.vertx.core.buffer.Buffer;

/**
 * Watches a server-sent-events stream as it passes through, chunk by chunk, and reads the usage
 * from it without holding the stream back. Only lines that carry usage are parsed as JSON; the rest
 * is scanned for the length of generated text, the basis of an estimate if the client leaves early.
 *
 * <p>With {@code dropUsageChunk} (an OpenAI stream where the gateway asked for
 * {@code stream_options.include_usage} and the client did not), the usage-only chunk
 * ({@code "choices":[]}) is removed from what the client sees. Then complete events are forwarded
 * as they complete, which is as soon as the provider sends their terminating blank line.
 *
 * <p>What the tap holds is bounded whatever the provider sends: a line longer than
 * {@link #MAX_LINE} is passed on without being read, and an event held back for filtering that
 * grows past {@link #MAX_LINE} is passed on as it is (a usage-only chunk is never that large).
 */
final class SseTap {

    /** The longest line the tap reads, and the most of one event it holds back. */
    static final int MAX_LINE = 1024 * 1024;

    /** Usage lines held unparsed at most: one more, and those held are parsed first (in order). */
    private static final int MAX_UNREAD = 8;

    private static final byte[] NONE = new byte[0];
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] USAGE = "\"usage\"".getBytes(StandardCharsets.US_ASCII);
    /**
     * What a data line is searched for, in one pass ({@link #findEach}): the usage key first, then
     * the keys whose string values are generated text. Each starts with a quote.
     */
    private static final byte[][] OPENAI_KEYS = {
        USAGE,
        "\"content\":\"".getBytes(StandardCharsets.US_ASCII),
        "\"arguments\":\"".getBytes(StandardCharsets.US_ASCII),
        "\"reasoning_content\":\"".getBytes(StandardCharsets.US_ASCII)
    };

    /**
     * OpenAI's Responses API: the text arrives as {@code delta} strings (text, function arguments,
     * reasoning summaries); the {@code .done} events and the final response repeat it whole under
     * other keys and are not counted again.
     */
    private static final byte[][] RESPONSES_KEYS = {USAGE, "\"delta\":\"".getBytes(StandardCharsets.US_ASCII)};

    /**
     * Where the Responses API's first event ({@code response.created}) names the response, as OpenAI
     * writes it (compact JSON, the response's id its first field): read without parsing the event,
     * which repeats the caller's instructions and tools. The final event, parsed for its usage,
     * names it too.
     */
    private static final byte[] RESPONSE_ID = "\"response\":{\"id\":\"".getBytes(StandardCharsets.US_ASCII);

    private static final byte[][] ANTHROPIC_KEYS = {
        USAGE,
        "\"text\":\"".getBytes(StandardCharsets.US_ASCII),
        "\"thinking\":\"".getBytes(StandardCharsets.US_ASCII),
        "\"partial_json\":\"".getBytes(StandardCharsets.US_ASCII)
    };

    private final Api.Wire wire;
    private final byte[][] keys;
    /** Where each of {@link #keys} first occurs in the line at hand (-1: nowhere). */
    private final int[] keyAt;

    private final boolean dropUsageChunk;
    private final Usage usage;

    /** The start of a line that continues in the next chunk. */
    private byte[] carry = NONE;
    /** The current line is over {@link #MAX_LINE}: it is passed on unread, up to its end. */
    private boolean overlongLine;
    /** The current event outgrew what is held back: it is passed on as it comes. */
    private boolean passingEvent;
    /** Filter mode: bytes of the event not yet complete. */
    private Buffer pendingEvent;

    private boolean dropEvent;
    private boolean sawDone;

    /**
     * Usage lines seen but not parsed yet (see {@link #readUsageSeen()}): parsing JSON is the tap's
     * one costly step, and where nothing depends on it before the event goes out, it waits until the
     * event has been written, off the path to the client's first byte.
     */
    private byte[][] unread = new byte[2][];

    private int unreadCount;

    SseTap(Api.Wire wire, boolean dropUsageChunk, Usage usage) {
        this.wire = wire;
        this.keys = switch (wire) {
            case OPENAI -> OPENAI_KEYS;
            case OPENAI_RESPONSES -> RESPONSES_KEYS;
            case ANTHROPIC -> ANTHROPIC_KEYS;
        };
        this.keyAt = new int[keys.length];
        this.dropUsageChunk = dropUsageChunk;
        this.usage = usage;
        this.pendingEvent = dropUsageChunk ? Buffer.buffer(512) : null;
    }

    /** Takes one chunk from the provider and returns what the client gets now (may be empty). */
    Buffer onChunk(Buffer chunk) {
        byte[] b = chunk.getBytes();
        Buffer out = dropUsageChunk ? Buffer.buffer(b.length) : chunk;
        int lineStart = 0;
        int eventStart = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] != '\n') {
                continue;
            }
            boolean blank;
            if (overlongLine) {
                overlongLine = false;
                blank = false;
            } else if (carry.length > 0) {
                byte[] line = Arrays.copyOf(carry, carry.length + (i - lineStart));
                System.arraycopy(b, lineStart, line, carry.length, i - lineStart);
                carry = NONE;
                blank = line(line, 0, line.length);
            } else {
                blank = line(b, lineStart, i);
            }
            lineStart = i + 1;
            if (dropUsageChunk && blank) {
                pendingEvent.appendBytes(b, eventStart, i + 1 - eventStart);
                if (!dropEvent || passingEvent) {
                    out.appendBuffer(pendingEvent);
                }
                pendingEvent = Buffer.buffer(512);
                dropEvent = false;
                passingEvent = false;
                eventStart = i + 1;
            }
        }
        if (lineStart < b.length) {
            if (overlongLine || carry.length + (b.length - lineStart) > MAX_LINE) {
                overlongLine = true;
                carry = NONE;
            } else {
                byte[] rest = Arrays.copyOf(carry, carry.length + (b.length - lineStart));
                System.arraycopy(b, lineStart, rest, carry.length, b.length - lineStart);
                carry = rest;
            }
        }
        if (dropUsageChunk && eventStart < b.length) {
            pendingEvent.appendBytes(b, eventStart, b.length - eventStart);
            if (pendingEvent.length() > MAX_LINE) {
                out.appendBuffer(pendingEvent);
                pendingEvent = Buffer.buffer(512);
                passingEvent = true;
            }
        }
        return out;
    }

    /** What is left when the provider ends the stream (an event without a final blank line). */
    Buffer onEnd() {
        if (carry.length > 0 && !overlongLine) {
            line(carry, 0, carry.length);
        }
        carry = NONE;
        readUsageSeen();
        if (dropUsageChunk && pendingEvent.length() > 0 && (!dropEvent || passingEvent)) {
            Buffer rest = pendingEvent;
            pendingEvent = Buffer.buffer();
            return rest;
        }
        return null;
    }

    /** Bytes the tap holds between chunks (a line's start, an event held back): bounded by {@link #MAX_LINE}. */
    int heldBytes() {
        return carry.length + (pendingEvent == null ? 0 : pendingEvent.length());
    }

    boolean sawDone() {
        return sawDone;
    }

    /** Handles one line (without its newline); returns true when it is blank (end of an event). */
    private boolean line(byte[] b, int start, int end) {
        if (end > start && b[end - 1] == '\r') {
            end--;
        }
        if (end == start) {
            return true;
        }
        if (!startsWith(b, start, end, DATA)) {
            return false;
        }
        int p = start + DATA.length;
        if (p < end && b[p] == ' ') {
            p++;
        }
        if (end - p == 6 && b[p] == '[' && b[p + 1] == 'D') {
            sawDone = true; // OpenAI's data: [DONE]
            return false;
        }
        if (wire == Api.Wire.OPENAI_RESPONSES && usage.responseId == null) {
            usage.responseId = responseId(b, p, end);
        }
        findEach(b, p, end, keys, keyAt);
        int u = keyAt[0];
        if (u >= 0 && wire == Api.Wire.OPENAI_RESPONSES && !usageIsObject(b, u + USAGE.length, end)) {
            // the final response holds the caller's own objects (metadata, tools) before its usage
            u = nextUsageObject(b, u + USAGE.length, end);
        }
        if (u >= 0 && usageIsObject(b, u + USAGE.length, end)) {
            if (dropUsageChunk) {
                readUsage(b, p, end); // whether the event is passed on depends on it
            } else {
                if (unreadCount == MAX_UNREAD) {
                    readUsageSeen(); // in order: a later report must not be overwritten by an earlier one
                }
                if (unreadCount == unread.length) {
                    unread = Arrays.copyOf(unread, unread.length * 2);
                }
                unread[unreadCount++] = Arrays.copyOfRange(b, p, end);
            }
        } else {
            countText(b, end);
        }
        return false;
    }

    /**
     * Parses the usage lines seen so far. The relay calls it once the events of a read are written,
     * and before anything reads the usage (the end of the stream, a failure, a timeout, the client
     * leaving); {@link #onEnd()} calls it itself.
     */
    void readUsageSeen() {
        for (int i = 0; i < unreadCount; i++) {
            byte[] line = unread[i];
            unread[i] = null;
            readUsage(line, 0, line.length);
        }
        unreadCount = 0;
    }

    private void readUsage(byte[] b, int from, int to) {
        JsonNode event;
        try {
            event = UsageParser.MAPPER.readTree(b, from, to - from);
        } catch (IOException e) {
            return; // not JSON: forwarded untouched, nothing to count
        }
        if (wire == Api.Wire.OPENAI) {
            if (UsageParser.apply(event.get("usage"), wire, usage)) {
                usage.complete = true;
            }
            if (dropUsageChunk
                    && event.path("choices").isArray()
                    && event.path("choices").isEmpty()) {
                dropEvent = true;
            }
        } else if (wire == Api.Wire.OPENAI_RESPONSES) {
            // response.completed, .incomplete and .failed carry the final counts in the response;
            // the events before it have "usage": null there
            if (UsageParser.apply(event.path("response").get("usage"), wire, usage)) {
                usage.complete = true;
            }
            JsonNode id = event.path("response").get("id");
            if (usage.responseId == null && id != null && id.isTextual() && Api.safeObjectId(id.textValue())) {
                usage.responseId = id.textValue();
            }
        } else {
            String type = event.path("type").asText();
            if ("message_start".equals(type)) {
                UsageParser.apply(event.path("message").get("usage"), wire, usage);
            } else if ("message_delta".equals(type)) {
                if (UsageParser.apply(event.get("usage"), wire, usage)) {
                    usage.complete = true;
                }
            }
        }
    }

    /** Adds the length of the generated text in the line (the text keys found by {@link #findEach}). */
    private void countText(byte[] b, int to) {
        for (int n = 1; n < keys.length; n++) {
            int k = keyAt[n];
            if (k < 0) {
                continue;
            }
            int s = k + keys[n].length;
            int i = s;
            while (i < to && b[i] != '"') {
                i += b[i] == '\\' ? 2 : 1;
            }
            usage.streamedTextChars += Math.max(0, Math.min(i, to) - s);
        }
    }

    /** The id after {@link #RESPONSE_ID} in the line, when it is a safe response id; else null. */
    private static String responseId(byte[] b, int from, int end) {
        for (int i = from; i <= end - RESPONSE_ID.length; i++) {
            if (b[i] == '"' && startsWith(b, i, end, RESPONSE_ID)) {
                int s = i + RESPONSE_ID.length;
                int e = s;
                while (e < end && e - s <= Api.MAX_OBJECT_ID && b[e] != '"') {
                    e++;
                }
                if (e == end || b[e] != '"') {
                    return null;
                }
                String id = new String(b, s, e - s, StandardCharsets.US_ASCII);
                return Api.safeObjectId(id) ? id : null;
            }
        }
        return null;
    }

    /** Where the next {@code "usage"} key whose value is an object starts, from {@code from}; -1 if none. */
    private static int nextUsageObject(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '"' && startsWith(b, i, end, USAGE) && usageIsObject(b, i + USAGE.length, end)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean usageIsObject(byte[] b, int i, int end) {
        while (i < end && (b[i] == ' ' || b[i] == ':' || b[i] == '\t')) {
            i++;
        }
        return i < end && b[i] == '{';
    }

    private static boolean startsWith(byte[] b, int start, int end, byte[] prefix) {
        if (end - start < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[start + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sets {@code at[n]} to where {@code needles[n]} first occurs in {@code b[from, to)}, or -1. Each
     * needle starts with a quote, so one pass that stops only at quotes finds them all: a streamed
     * line was read once per key before (four times): 4 % of the gateway's CPU samples over a bench
     * run whose warm-up streamed a third of its calls.
     */
    static void findEach(byte[] b, int from, int to, byte[][] needles, int[] at) {
        Arrays.fill(at, 0, needles.length, -1);
        int left = needles.length;
        for (int i = from; i < to && left > 0; i++) {
            if (b[i] != '"') {
                continue;
            }
            for (int n = 0; n < needles.length; n++) {
                if (at[n] < 0 && startsWith(b, i, to, needles[n])) {
                    at[n] = i;
                    left--;
                }
            }
        }
    }
}
