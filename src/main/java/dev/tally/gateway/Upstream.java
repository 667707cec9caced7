package dev.tally.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Where an admitted call is sent: a provider over HTTP ({@link HttpUpstream}) or the built-in
 * simulation ({@link SimulatedProvider}). Both answer through the same {@link Receiver}, so what
 * happens to an answer (relay, usage, recording) does not depend on where it came from.
 */
interface Upstream {

    /** What an upstream may know about the call it sends. */
    interface Request {
        String requestId();

        Api api();

        /** The gateway path asked for: the API's, or with a response id in it ({@link Api#idPrefix}). */
        default String path() {
            return api().path;
        }

        Provider provider();

        /** The model to ask for (after any rewrite by admission). */
        String model();

        boolean stream();

        /** A header of the client's request, or null. */
        String header(CharSequence name);

        /** Every header of the client's request (for headers forwarded by prefix). */
        MultiMap headers();

        /** The client's raw query string (after {@code ?}), or null. */
        String query();
    }

    /** Gets the provider's answer, in this order: a head, chunks, then an end or a failure. */
    interface Receiver {
        void onHead(int status, MultiMap headers);

        void onChunk(Buffer chunk);

        void onEnd();

        /** The exchange failed: before the head (no connection, timeout) or in the middle of the body. */
        void onFailure(Throwable cause);
    }

    /** One call's exchange with the upstream; only used on the call's event loop. */
    interface Exchange {
        /** Sends the request body; the answer goes to the receiver given to {@link #open}. */
        void send(Buffer body);

        /** Stops reading the answer (the client's connection is full). */
        void pause();

        void resume();

        /** Abandons the exchange (client gone, deadline passed); the receiver may still hear a failure. */
        void cancel();
    }

    /** Prepares an exchange for {@code request}; nothing is sent before {@link Exchange#send}. */
    Exchange open(Request request, Receiver receiver);
}
