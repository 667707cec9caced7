package dev.tally.gateway;

import io.netty.buffer.Unpooled;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import dev.tally.gateway.admission.BodySizeCheck;

/**
 * Reads a call's request body into memory, up to {@code tally.gateway.max-body-size}. The buffer
 * grows with what arrives and can never grow past the limit: a client that announces a large body
 * and sends little holds little, and only until {@code tally.gateway.body-timeout} (the call is
 * watched while it reads its body, see {@link Call#checkDeadline}). One per call, on its event loop.
 */
final class BodyReader implements Handler<Buffer> {

    /** Where a complete body goes. */
    @FunctionalInterface
    interface Sink {
        void onBody(Call call, Buffer body);
    }

    /** The most a body buffer starts with; a larger body grows it as its bytes come in. */
    static final int START_CAPACITY = 8 * 1024;

    private static final CharSequence H_CONTENT_LENGTH = HttpHeaders.createOptimized("content-length");
    private static final CharSequence H_EXPECT = HttpHeaders.createOptimized("expect");

    private final Call call;
    private final long maxBody;
    private final Buffer body;
    private boolean over;

    private BodyReader(Call call, long maxBody) {
        this.call = call;
        this.maxBody = maxBody;
        long announced = BodySizeCheck.announcedLength(call.req.getHeader(H_CONTENT_LENGTH));
        int cap = (int) Math.min(Integer.MAX_VALUE, maxBody);
        int start =
                (int) Math.min(cap, Math.max(16, Math.min(announced < 0 ? START_CAPACITY : announced, START_CAPACITY)));
        this.body = Buffer.buffer(Unpooled.buffer(start, cap));
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
                sink.onBody(call, reader.body);
            }
        });
        req.resume();
    }

    @Override
    public void handle(Buffer chunk) {
        if (over || call.state() != CallState.READING_BODY) {
            return; // refused (too large, too slow): what still comes is dropped
        }
        if (body.length() + (long) chunk.length() > maxBody) {
            over = true;
            call.refuse(BodySizeCheck.tooLarge(maxBody));
            return;
        }
        body.appendBuffer(chunk);
    }
}
