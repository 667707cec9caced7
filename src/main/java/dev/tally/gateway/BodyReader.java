package dev.tally.gateway;

import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import dev.tally.gateway.admission.BodySizeCheck;

/**
 * Reads a call's request body into memory, up to {@code tally.gateway.max-body-size}. A body that
 * arrives in one chunk (the usual chat call) is that chunk, kept as Vert.x handed it over (its own
 * copy); from a second chunk on the body is a buffer that grows with what arrives and can never grow
 * past the limit: a client that announces a large body and sends little holds little, and only until
 * {@code tally.gateway.body-timeout} (the call is watched while it reads its body, see
 * {@link Call#checkDeadline}). One per call, on its event loop.
 */
final class BodyReader implements Handler<Buffer> {

    /** Where a complete body goes. */
    @FunctionalInterface
    interface Sink {
        void onBody(Call call, Buffer body);
    }

    /** The most a body buffer of several chunks starts with; a larger body grows it as its bytes come in. */
    static final int START_CAPACITY = 8 * 1024;

    private static final CharSequence H_CONTENT_LENGTH = HttpHeaders.createOptimized("content-length");
    private static final CharSequence H_EXPECT = HttpHeaders.createOptimized("expect");

    private static final Buffer EMPTY = Buffer.buffer(0);

    private final Call call;
    private final long maxBody;
    /** The body while it is the first chunk alone. */
    private Buffer first;
    /** The body once a second chunk came: the chunks copied together. */
    private Buffer grown;

    private long length;
    private boolean over;

    private BodyReader(Call call, long maxBody) {
        this.call = call;
        this.maxBody = maxBody;
    }

    /** The body as read so far. */
    private Buffer body() {
        return grown != null ? grown : first != null ? first : EMPTY;
    }

    /** A buffer for a body of several chunks: sized for what the client announced, within the limits. */
    private Buffer growable() {
        long announced = BodySizeCheck.announcedLength(call.req.getHeader(H_CONTENT_LENGTH));
        int cap = (int) Math.min(Integer.MAX_VALUE, maxBody);
        int start =
                (int) Math.min(cap, Math.max(16, Math.min(announced < 0 ? START_CAPACITY : announced, START_CAPACITY)));
        return Buffer.buffer(Unpooled.buffer(start, cap));
    }

    /** Starts reading; {@code sink} gets the body once it is complete and within the limit. */
    static void read(Call call, long maxBody, Sink sink) {
        BodyReader reader = new BodyReader(call, maxBody);
        HttpServerRequest req = call.req;
        if ("100-continue".equalsIgnoreCase(req.getHeader(H_EXPECT))) {
            call.resp.writeContinue();
        }
        req.handler(reader);
        req.exceptionHandler(t -> call.clientClosed());
        req.endHandler(v -> {
            if (!reader.over && call.state() == CallState.READING_BODY) {
                sink.onBody(call, reader.body());
            }
        });
        req.resume();
    }

    @Override
    public void handle(Buffer chunk) {
        if (over || call.state() != CallState.READING_BODY) {
            return; // refused (too large, too slow): what still comes is dropped
        }
        if (length + chunk.length() > maxBody) {
            over = true;
            call.refuse(BodySizeCheck.tooLarge(maxBody));
            return;
        }
        length += chunk.length();
        if (first == null && grown == null) {
            first = chunk; // Vert.x hands each chunk over as a copy of its own: safe to keep
            return;
        }
        if (grown == null) {
            grown = growable().appendBuffer(first);
            first = null;
        }
        grown.appendBuffer(chunk);
    }
}
