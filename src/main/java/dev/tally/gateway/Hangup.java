package dev.tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * What becomes of a connection once the gateway has answered a call whose body it did not read to
 * the end (a refusal): the rest of the body is dropped as it comes, and the connection is closed
 * when the body ends, if the refusal says so, or at the body deadline if the body never ends.
 * Answering and then closing at once would leave unread bytes in the socket, and the client's TCP
 * stack would reset the connection, losing the answer.
 */
final class Hangup {

    private static final Handler<Buffer> DISCARD = b -> {};

    private Hangup() {}

    /** Drops the rest of the body; closes when it ends if {@code close}, or after {@code deadlineMillis} in any case. */
    static void drain(
            HttpServerRequest req,
            HttpServerResponse resp,
            Vertx vertx,
            long deadlineMillis,
            Future<Void> sent,
            boolean close) {
        long timer = vertx.setTimer(Math.max(1, deadlineMillis), id -> closeAfter(req, resp, sent));
        req.handler(DISCARD);
        req.exceptionHandler(null);
        req.endHandler(v -> {
            vertx.cancelTimer(timer);
            if (close) {
                closeAfter(req, resp, sent);
            }
        });
        req.resume();
    }

    /** Drops whatever else arrives and closes the connection (an HTTP/2 stream: resets it) once {@code sent} is written. */
    static void closeAfter(HttpServerRequest req, HttpServerResponse resp, Future<Void> sent) {
        if (!req.isEnded()) {
            req.handler(DISCARD); // Vert.x refuses a handler on a request already read
        }
        if (sent == null) {
            close(req, resp);
        } else {
            sent.onComplete(ar -> close(req, resp));
        }
    }

    private static void close(HttpServerRequest req, HttpServerResponse resp) {
        if (req.version() == HttpVersion.HTTP_2) {
            resp.reset();
        } else {
            req.connection().close();
        }
    }
}
