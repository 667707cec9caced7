package dev.tally.gateway;

import java.time.Clock;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import dev.tally.events.EventIds;
import dev.tally.gateway.admission.Admission;
import dev.tally.gateway.admission.Refusal;
import dev.tally.gateway.admission.RefusalReason;
import dev.tally.platform.Ticker;

/**
 * The gateway's core: it takes a call through its stages, each in its own class.
 *
 * <ol>
 * <li>{@link Admission}, pre-body: key, announced size, rate limit (no byte of the body read yet);</li>
 * <li>{@link BodyReader}: the body, within the size limit and the body timeout, parsed once by
 * {@link RequestInspector};</li>
 * <li>{@link Admission}, post-body: the model allow-list, the route (and what issue 9 adds: budgets);</li>
 * <li>an {@link Upstream}: the provider over HTTP, or the simulated one;</li>
 * <li>{@link Relay}: the answer back to the client, usage read as it passes;</li>
 * <li>{@link Call#end}: reservations settled and one usage event recorded, however the call ends.</li>
 * </ol>
 *
 * Everything runs on the connection's event loop and nothing blocks: the key lookup, limits and
 * prices are in memory, the upstream client is Vert.x's, and the usage event is handed to a
 * publisher that never waits on Kafka. Where a call is is its {@link CallState}.
 */
@Singleton // no client proxy: called on every gateway request
public class ProxyHandler {

    private static final Logger LOG = Logger.getLogger(ProxyHandler.class);

    private final Admission admission;
    private final ModelsListing models;
    private final HttpUpstream http;
    private final SimulatedProvider simulated;
    private final long maxBody;
    /** The time prefix of each call's id (a time-ordered UUID: cheap to claim, see EventIds). */
    private final Clock clock;

    private final Call.Services services;
    private final Relay.Settings relaySettings;
    /** Made once: handed to every body reader instead of a new lambda per call. */
    private final BodyReader.Sink onBody = this::onBody;

    private final ResponseOwners owners;

    ProxyHandler(
            GatewayConfig config,
            Admission admission,
            ModelsListing models,
            HttpUpstream http,
            SimulatedProvider simulated,
            UsageRecorder recorder,
            GatewayMetrics metrics,
            ModelNames names,
            Watchdog watchdog,
            Ticker ticker,
            Vertx vertx,
            Clock clock,
            CallsInFlight inFlight,
            ResponseOwners owners) {
        this.admission = admission;
        this.models = models;
        this.http = http;
        this.simulated = simulated;
        this.maxBody = config.maxBodySize().asLongValue();
        this.clock = clock;
        this.owners = owners;
        this.services = new Call.Services(
                watchdog,
                recorder,
                metrics,
                names,
                ticker,
                vertx,
                Math.max(1, config.bodyTimeout().toNanos()),
                inFlight,
                owners);
        this.relaySettings = new Relay.Settings(
                vertx,
                ticker,
                Math.max(1, config.firstByteTimeout().toNanos()),
                Math.max(1, config.betweenChunksTimeout().toNanos()),
                Math.max(1, config.maxCallDuration().toNanos()));
    }

    void handle(RoutingContext ctx, Api api) {
        Call call = new Call(ctx.request(), ctx.response(), api, EventIds.timeOrdered(clock.millis()), services);
        Refusal refused;
        try {
            refused = admission.preBody(call);
        } catch (RuntimeException e) {
            failedInGateway(call, e);
            return;
        }
        if (refused != null) {
            call.refuse(refused);
            return;
        }
        if (api == Api.MODELS) {
            call.answer(models.body(call.key(), call.wire));
            return;
        }
        call.readingBody();
        BodyReader.read(call, maxBody, onBody);
    }

    /**
     * A stage of the gateway's own threw where it should have answered (a bug, not the caller's or
     * the provider's fault): the call is answered 500 in the caller's format and ends like a refusal,
     * so that its reservations are settled, its place among the calls in flight given back and its
     * event recorded, instead of the client waiting with no answer and the key's limits held. The
     * log names the exception's class and where it was thrown, not its message, which may quote the
     * request.
     */
    private static void failedInGateway(Call call, RuntimeException e) {
        Throwable where =
                new Throwable(e.getClass().getName() + " in the gateway's admission of call " + call.requestId);
        where.setStackTrace(e.getStackTrace());
        LOG.error("a gateway call was answered 500", where);
        call.refuse(Refusal.of(
                RefusalReason.INTERNAL_ERROR,
                "the Tally gateway failed on this call before sending it to the provider; nothing was charged."
                        + " Retrying may work; if it does not, tell your Tally admin the request id "
                        + call.requestId,
                null));
    }

    /**
     * A request under {@code /v1/responses/} or {@code /v1/conversations/} that no exact path took: a
     * call on a stored response or a conversation when the path and method are one
     * ({@link Api#ofObjectPath}), else what {@link #unknownPath} answers.
     */
    void onObjectPath(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        Api api = Api.ofObjectPath(req.method().name(), req.path());
        if (api == null) {
            unknownPath(ctx);
        } else {
            handle(ctx, api);
        }
    }

    /**
     * Any other request under {@code /v1/}: a 405 for a gateway path asked with another method, else a
     * 404 naming what the gateway serves, in the caller's format (Anthropic's when it sends
     * {@code anthropic-version} or asks under {@code /v1/messages}, else OpenAI's). No key is checked
     * and nothing is recorded: nothing was called.
     */
    void unknownPath(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        String path = req.path();
        Api.Wire wire = req.getHeader("anthropic-version") != null || path.startsWith("/v1/messages")
                ? Api.Wire.ANTHROPIC
                : Api.Wire.OPENAI;
        String methods = Api.methodsAt(path);
        int status;
        String message;
        HttpServerResponse resp = ctx.response();
        if (methods != null) {
            status = 405;
            message = path + " takes " + methods.replace(", ", " or ") + ", not "
                    + req.method().name();
            resp.putHeader("allow", methods);
        } else {
            status = 404;
            message = "the Tally gateway does not serve " + req.method().name() + " " + path + "; it serves " + SERVED;
        }
        String requestId = EventIds.timeOrdered(clock.millis());
        resp.putHeader("x-request-id", requestId);
        resp.putHeader("x-should-retry", "false"); // the SDKs retry neither
        if (wire == Api.Wire.ANTHROPIC) {
            resp.putHeader("request-id", requestId);
        }
        resp.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(GatewayErrors.body(
                        wire, status, status == 405 ? "method_not_allowed" : "not_found", message, null, requestId));
    }

    /** What {@link #unknownPath} lists: each gateway path with its method. */
    private static final String SERVED = servedPaths();

    private static String servedPaths() {
        StringBuilder b = new StringBuilder();
        for (Api api : Api.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(api.method).append(' ').append(api.path);
        }
        return b.toString();
    }

    private void onBody(Call call, Buffer body) {
        if (call.api.storedObject) {
            onStoredObjectCall(call, body);
            return;
        }
        byte[] bytes = bytesOf(body);
        RequestInspector.Inspected in;
        try {
            in = RequestInspector.inspect(bytes, call.api == Api.RESPONSES);
        } catch (RequestInspector.BadRequest e) {
            call.refuse(badRequest(e));
            return;
        }
        call.bodyRead(in, bytes.length);
        if (in.background() && call.api == Api.RESPONSES) {
            call.refuse(BACKGROUND);
            return;
        }
        boolean simulate;
        Buffer out = body;
        try {
            Refusal refused = admission.postBody(call);
            if (refused != null) {
                call.refuse(refused);
                return;
            }
            simulate = call.provider().kind() == Provider.Kind.SIMULATED;
            if (call.requestedModel() != null || call.askedUsage() && !simulate) {
                out = Buffer.buffer(upstreamBody(call, bytes, in, simulate));
            }
        } catch (RequestInspector.BadRequest e) {
            call.refuse(badRequest(e));
            return;
        } catch (RuntimeException e) {
            failedInGateway(call, e);
            return;
        }
        Upstream upstream = simulate ? simulated : http;
        Buffer sent = out;
        if (!call.api.continuesStored) {
            new Relay(call, relaySettings).send(upstream, sent);
            return;
        }
        // a Responses API create (or compaction) that continues a stored response or a conversation:
        // whose is it? (only a create reads conversation: RequestInspector)
        String previous = in.previousResponseId();
        String conversation = in.conversation();
        Runnable go = () -> new Relay(call, relaySettings).send(upstream, sent);
        if (conversation != null && Api.safeObjectId(conversation)) {
            // previous_response_id is refused beside a conversation (RequestInspector): one id to check
            whenOwned(call, conversation, Named.CONVERSATION_PARAM, go);
        } else if (previous != null && Api.safeObjectId(previous)) {
            whenOwned(call, previous, Named.PREVIOUS_RESPONSE, go);
        } else {
            go.run();
        }
    }

    /** Where a call names the stored object whose owner is checked: how another's is refused. */
    private enum Named {
        /** The path of a call on a stored response: OpenAI's 404 for a response it does not hold. */
        RESPONSE_PATH,
        /** A create's {@code previous_response_id}: OpenAI's 400 {@code previous_response_not_found}. */
        PREVIOUS_RESPONSE,
        /** The path of a call on a conversation: a 404 for a conversation the provider does not hold. */
        CONVERSATION_PATH,
        /** A create's {@code conversation}: the same 404, naming the parameter. */
        CONVERSATION_PARAM
    }

    /**
     * Runs {@code go} when the stored response or conversation {@code id} is the caller's or nobody's;
     * else answers as the provider answers an id it does not hold (docs/gateway.md, "Whose stored
     * response or conversation"). The lookup may finish later, on the call's event loop: a call that
     * ended meanwhile (its client left) is not sent.
     */
    private void whenOwned(Call call, String id, Named named, Runnable go) {
        String caller = ResponseOwners.ownerOf(call.key());
        owners.owner(id, owner -> {
            if (call.state() == CallState.DONE) {
                return;
            }
            if (owner == null || owner.equals(caller)) {
                go.run();
            } else if (owner.equals(ResponseOwners.UNCHECKED)) {
                boolean conversation = named == Named.CONVERSATION_PATH || named == Named.CONVERSATION_PARAM;
                call.refuse(Refusal.of(
                        RefusalReason.OWNER_UNCHECKED,
                        "the Tally gateway could not check whose "
                                + (conversation ? "conversation " : "stored response ") + id
                                + " is (its database did not answer); nothing was sent to the provider. Retry"));
            } else {
                call.refuse(
                        switch (named) {
                            case PREVIOUS_RESPONSE ->
                                new Refusal(
                                        400,
                                        RefusalReason.NOT_YOUR_RESPONSE,
                                        "Previous response with id '" + id + "' not found.",
                                        "previous_response_id",
                                        0);
                            case RESPONSE_PATH ->
                                Refusal.of(RefusalReason.NOT_YOUR_RESPONSE, "Response with id '" + id + "' not found.");
                            case CONVERSATION_PATH ->
                                Refusal.of(RefusalReason.NOT_YOUR_RESPONSE, conversationNotFound(id));
                            case CONVERSATION_PARAM ->
                                Refusal.of(RefusalReason.NOT_YOUR_RESPONSE, conversationNotFound(id), "conversation");
                        });
            }
        });
    }

    /** The provider's message for a conversation it does not hold. */
    static String conversationNotFound(String id) {
        return "Conversation with id '" + id + "' not found.";
    }

    /**
     * A background response's tokens are known only when it completes, seen by whoever retrieves it
     * later, if anyone does, through any gateway and with any key: no call here could count them
     * exactly once. Refused before the provider is asked (docs/gateway.md, "Background responses").
     */
    private static final Refusal BACKGROUND = Refusal.of(
            RefusalReason.BAD_REQUEST,
            "background: the Tally gateway does not run background responses, because their tokens are known only"
                    + " when they complete, after this call, and could not be counted exactly once. Leave"
                    + " background out (or false), and use stream: true for a long response",
            "background");

    /**
     * A call on a stored response or a conversation: no model, nothing of the body read; forwarded to
     * the Responses API's provider, the body as it came for the conversation calls that take one.
     */
    private void onStoredObjectCall(Call call, Buffer body) {
        call.bodySkipped(body.length());
        boolean simulate;
        try {
            Refusal refused = admission.postBody(call);
            if (refused != null) {
                call.refuse(refused);
                return;
            }
            simulate = call.provider().kind() == Provider.Kind.SIMULATED;
        } catch (RuntimeException e) {
            failedInGateway(call, e);
            return;
        }
        Upstream upstream = simulate ? simulated : http;
        // the other calls take no body: what the client may have sent is not the provider's business
        Buffer sent = call.api.forwardsBody ? body : Buffer.buffer(0);
        Runnable go = () -> new Relay(call, relaySettings).send(upstream, sent);
        if (call.api.idPrefix == null) {
            go.run(); // creating a conversation names none
        } else {
            whenOwned(
                    call,
                    Api.objectId(call.path()),
                    call.api.idPrefix.equals(Api.CONVERSATION_PREFIX) ? Named.CONVERSATION_PATH : Named.RESPONSE_PATH,
                    go);
        }
    }

    /**
     * The body's bytes: its own array when the buffer is exactly that array (a body that came in one
     * chunk), else a copy. Nothing writes to either: the inspector reads it, rewrites copy it.
     */
    private static byte[] bytesOf(Buffer body) {
        ByteBuf b = body.getByteBuf();
        if (b.hasArray() && b.arrayOffset() + b.readerIndex() == 0 && b.readableBytes() == b.array().length) {
            return b.array();
        }
        return body.getBytes();
    }

    /**
     * The body as the provider gets it: with the model admission chose, and with OpenAI's stream
     * usage asked for when the client did not ask (the relay then hides it again).
     */
    private static byte[] upstreamBody(Call call, byte[] bytes, RequestInspector.Inspected in, boolean simulate)
            throws RequestInspector.BadRequest {
        byte[] out = call.requestedModel() != null ? RequestInspector.withModel(bytes, call.model()) : bytes;
        return call.askedUsage() && !simulate ? RequestInspector.withIncludeUsage(out, in) : out;
    }

    private static Refusal badRequest(RequestInspector.BadRequest e) {
        return Refusal.of(RefusalReason.BAD_REQUEST, e.getMessage(), e.param);
    }
}
