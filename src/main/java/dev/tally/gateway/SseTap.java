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
    private static final byte[][] OPENAI_TEXT = {
        "\"content\":\"".getBytes(StandardCharsets.US_ASCII),
        "\"arguments\":\"".getBytes(StandardCharsets.US_ASCII),
        "\"reasoning_content\":\"".getBytes(StandardCharsets.US_ASCII)
    };
    private static final byte[][] ANTHROPIC_TEXT = {
        "\"text\":\"".getBytes(StandardCharsets.US_ASCII),
        "\"thinking\":\"".getBytes(StandardCharsets.US_ASCII),
        "\"partial_json\":\"".getBytes(StandardCharsets.US_ASCII)
    };

    private final Api.Wire wire;
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
        int u = indexOf(b, p, end, USAGE);
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
            countText(b, p, end);
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

    private void countText(byte[] b, int from, int to) {
        byte[][] keys = wire == Api.Wire.OPENAI ? OPENAI_TEXT : ANTHROPIC_TEXT;
        for (byte[] key : keys) {
            int k = indexOf(b, from, to, key);
            if (k < 0) {
                continue;
            }
            int s = k + key.length;
            int i = s;
            while (i < to && b[i] != '"') {
                i += b[i] == '\\' ? 2 : 1;
            }
            usage.streamedTextChars += Math.max(0, Math.min(i, to) - s);
        }
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

    static int indexOf(byte[] b, int from, int to, byte[] needle) {
        int last = to - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
