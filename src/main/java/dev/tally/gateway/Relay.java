package dev.tally.gateway;

import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;

import dev.tally.events.CallOutcome;
import dev.tally.platform.Ticker;

/**
 * Passes the provider's answer to the client: status and headers, then the body chunk by chunk with
 * backpressure, reading the usage as it goes by (an SSE tap for streams, a copy of a JSON body). It
 * ends the call when the answer ends, fails or stops coming in time. One per call, on its event loop.
 */
final class Relay implements Upstream.Receiver {

    /** What every relay shares: made once by the proxy. */
    record Settings(Vertx vertx, Ticker ticker, long firstByteNanos, long betweenChunksNanos, long maxCallNanos) {}

    private static final Logger LOG = Logger.getLogger(Relay.class);

    private static final Buffer EMPTY = Buffer.buffer(0);
    private static final CharSequence H_CONTENT_LENGTH = HttpHeaders.createOptimized("content-length");
    /**
     * Response headers not passed on besides the hop-by-hop ones ({@link HopByHop}): the length is
     * the gateway's to set, cookies and alt-svc are the provider's own, the request id is renamed;
     * looked up ignoring case without lower-casing each name (no allocation per header and call).
     */
    private static final Set<String> NOT_PASSED = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        NOT_PASSED.addAll(Set.of("content-length", "set-cookie", "x-request-id", "alt-svc", "server", "date"));
    }

    private final Call call;
    private final HttpServerResponse resp;
    private final Settings settings;
    private Upstream.Exchange exchange;
    private Handler<Void> resumeOnDrain;
    private Handler<Void> flushAfterRead;

    private long sentNanos;
    private long lastChunkNanos;
    private Long ttftMs;
    private int status;
    private SseTap tap;
    private JsonUsageTap jsonTap;
    /** The JSON body chunk not yet passed on (see onChunk). */
    private Buffer held;
    /** SSE events of the current upstream read not yet written (see batchSse). */
    private Buffer sseBatch;

    private boolean sseBatchOwned;

    Relay(Call call, Settings settings) {
        this.call = call;
        this.resp = call.resp;
        this.settings = settings;
    }

    /** Opens the exchange and sends the body; the call waits for the provider from here. */
    void send(Upstream upstream, Buffer body) {
        exchange = upstream.open(call, this);
        sentNanos = settings.ticker().nanoTime();
        call.upstreamSent(this);
        exchange.send(body);
    }

    Long ttftMs() {
        return ttftMs;
    }

    /** Whether the provider answered the call with a success head (so it knows the model). */
    boolean served() {
        return status > 0 && status < 400;
    }

    /** Abandons the provider's answer (the client left). */
    void cancel() {
        exchange.cancel();
    }

    @Override
    public void onHead(int statusCode, MultiMap upstreamHeaders) {
        if (!call.answerStarted()) {
            return;
        }
        status = statusCode;
        resp.setStatusCode(statusCode);
        String type = null;
        String contentLength = null;
        String connection = upstreamHeaders.get(HttpHeaders.CONNECTION);
        for (var e : upstreamHeaders) {
            String name = e.getKey();
            if (name.equalsIgnoreCase("x-request-id")) {
                resp.headers().add("x-upstream-request-id", e.getValue());
            } else if (!NOT_PASSED.contains(name) && !HopByHop.in(name, connection)) {
                resp.headers().add(name, e.getValue());
                if (type == null && name.equalsIgnoreCase("content-type")) {
                    type = e.getValue();
                }
            } else if (name.equalsIgnoreCase("content-length")) {
                contentLength = e.getValue();
            }
        }
        if (type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17)) {
            tap = new SseTap(call.wire, call.askedUsage() && statusCode < 400, call.usage);
            resp.setChunked(true);
        } else {
            // a create's answer is read for its id too (a conversation's, though the call is free)
            if (statusCode < 400 && (call.api.billed || call.api.createsObject)) {
                jsonTap = new JsonUsageTap(call.wire, call.usage);
            }
            if (contentLength != null) {
                resp.putHeader(H_CONTENT_LENGTH, contentLength);
            } else {
                resp.setChunked(true);
            }
        }
        lastChunkNanos = settings.ticker().nanoTime();
    }

    @Override
    public void onChunk(Buffer chunk) {
        lastChunkNanos = settings.ticker().nanoTime();
        if (call.state() == CallState.DONE) {
            return;
        }
        if (ttftMs == null) {
            ttftMs = (lastChunkNanos - call.startNanos) / 1_000_000L;
        }
        Buffer out;
        if (tap != null) {
            batchSse(tap.onChunk(chunk));
            out = EMPTY;
        } else {
            // A JSON body is passed on one chunk behind, so that its last (usually its only)
            // chunk goes out with the end of the response in one write instead of two.
            Buffer previous = held;
            held = chunk;
            out = previous == null ? EMPTY : previous;
        }
        if (out.length() > 0) {
            resp.write(out);
            tapJson(out); // after the write: the client does not wait on the parse
        }
        pauseIfFull();
    }

    /**
     * Reads a JSON chunk's usage once it has been written (a Vert.x buffer stays readable after a
     * write), so the parse is never between the provider's bytes and the client.
     */
    private void tapJson(Buffer written) {
        if (jsonTap != null) {
            jsonTap.onChunk(written);
        }
    }

    private void pauseIfFull() {
        if (resp.writeQueueFull()) {
            exchange.pause();
            if (resumeOnDrain == null) {
                resumeOnDrain = v -> exchange.resume();
            }
            resp.drainHandler(resumeOnDrain);
        }
    }

    /**
     * SSE events decoded from one upstream read go to the client in one write, at the end of
     * that read (a task queued on this event loop runs once the read is processed): a provider
     * that sends many events at once no longer costs a write and a flush per event, while
     * events that arrive apart (a model generating) still go out the moment each arrives.
     */
    private void batchSse(Buffer out) {
        if (out.length() == 0) {
            return;
        }
        if (sseBatch == null) {
            sseBatch = out;
            if (flushAfterRead == null) {
                flushAfterRead = v -> flushSse(true);
            }
            settings.vertx().runOnContext(flushAfterRead);
        } else {
            if (!sseBatchOwned) {
                sseBatch = Buffer.buffer(sseBatch.length() + out.length() + 256).appendBuffer(sseBatch);
                sseBatchOwned = true;
            }
            sseBatch.appendBuffer(out);
        }
    }

    /** Writes the SSE events batched so far (also before the end, an error or a timeout). */
    private void flushSse(boolean more) {
        Buffer b = sseBatch;
        if (b == null) {
            return;
        }
        sseBatch = null;
        sseBatchOwned = false;
        if (call.state() == CallState.DONE) {
            return;
        }
        resp.write(b);
        tap.readUsageSeen(); // after the write: the client does not wait on the parse
        if (more) {
            pauseIfFull();
        }
    }

    /**
     * Reads the usage the answer has shown so far (before the call is ended other than by its end):
     * a stream's, or a JSON answer's including the chunk held back, which is then not written.
     */
    void readUsageSeen() {
        if (tap != null) {
            tap.readUsageSeen();
        }
        Buffer unsent = held;
        held = null;
        if (unsent != null) {
            tapJson(unsent);
        }
    }

    @Override
    public void onEnd() {
        if (call.state() == CallState.DONE) {
            return;
        }
        Buffer last = held;
        held = null;
        if (tap != null) {
            last = sseTail(tap.onEnd());
        }
        if (last != null) {
            resp.end(last);
            tapJson(last); // after the end: the client does not wait on the parse
        } else {
            resp.end();
        }
        if (status < 400 && call.api.billed && !call.usage.reported) {
            // a provider that does not report usage: estimate rather than record nothing
            call.estimateUsage();
        }
        call.end(status < 400 ? CallOutcome.OK : CallOutcome.UPSTREAM_ERROR, status);
    }

    /**
     * What a stream's end still has to send: the events batched from the last read and what the tap
     * held back, in that order. They go out with the end of the response, in one write with its
     * last chunk, instead of a write and a flush each (and a wake-up of the client each).
     */
    private Buffer sseTail(Buffer rest) {
        Buffer b = sseBatch;
        sseBatch = null;
        sseBatchOwned = false;
        if (rest == null || rest.length() == 0) {
            return b;
        }
        if (b == null) {
            return rest;
        }
        return Buffer.buffer(b.length() + rest.length()).appendBuffer(b).appendBuffer(rest);
    }

    @Override
    public void onFailure(Throwable t) {
        if (call.state() == CallState.DONE) {
            return;
        }
        flushSse(false);
        readUsageSeen();
        if (resp.headWritten()) {
            // the stream broke half-way: the client sees the connection end early
            call.estimateUsage();
            call.end(CallOutcome.UPSTREAM_ERROR, 502);
            resp.reset();
            return;
        }
        String provider = call.provider().name();
        boolean timeout = t instanceof ConnectTimeoutException
                || t instanceof TimeoutException
                || t.getCause() instanceof ConnectTimeoutException;
        // the client gets a generic message: the exception names the provider's host and address
        LOG.warnf("request %s: provider %s failed before answering: %s", call.requestId, provider, t.toString());
        if (timeout) {
            call.fail(504, "the provider " + provider + " did not accept the connection in time");
        } else {
            call.fail(502, "the provider " + provider + " could not be reached");
        }
    }

    /** Called by the event loop's watchdog: ends the call if its upstream deadline has passed. */
    void checkDeadline(long now) {
        CallState state = call.state();
        if (now - call.startNanos >= settings.maxCallNanos()) {
            // an answer that streams steadily but never ends is cut too
            timeout("the call did not end within " + settings.maxCallNanos() / 1_000_000L + " ms");
        } else if (state == CallState.WAITING_UPSTREAM && now - sentNanos >= settings.firstByteNanos()) {
            timeout("the provider did not answer within " + settings.firstByteNanos() / 1_000_000L + " ms");
        } else if (state == CallState.RELAYING && now - lastChunkNanos >= settings.betweenChunksNanos()) {
            timeout("the provider sent nothing for " + settings.betweenChunksNanos() / 1_000_000L + " ms");
        }
    }

    private void timeout(String message) {
        flushSse(false);
        readUsageSeen();
        // end the call first: cancelling the upstream call fails its future, which must find the call done
        if (resp.headWritten()) {
            call.estimateUsage();
            call.end(CallOutcome.UPSTREAM_ERROR, 504);
            resp.reset();
        } else {
            call.fail(504, message);
        }
        exchange.cancel();
    }
}
