package dev.tally.gateway;

import java.util.Arrays;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;

import dev.tally.events.CallOutcome;
import dev.tally.gateway.admission.PendingCall;
import dev.tally.gateway.admission.Refusal;
import dev.tally.gateway.admission.RefusalReason;
import dev.tally.gateway.admission.Reservation;
import dev.tally.identity.ResolvedKey;
import dev.tally.identity.Team;
import dev.tally.platform.Ticker;
import dev.tally.workload.ClientDetector;
import dev.tally.workload.WorkloadNames;

/**
 * One client call, from its first header to its usage event: what admission learned about it, its
 * {@link CallState} and the one place that moves it, and the one way it ends ({@link #end}), which
 * settles its reservations and records it exactly once. Only touched on its event loop.
 */
final class Call implements PendingCall, Upstream.Request {

    /** What every call shares: made once by the proxy. */
    record Services(
            Watchdog watchdog,
            UsageRecorder recorder,
            GatewayMetrics metrics,
            ModelNames models,
            Ticker ticker,
            Vertx vertx,
            long bodyTimeoutNanos,
            CallsInFlight inFlight,
            ResponseOwners owners) {}

    private static final Logger LOG = Logger.getLogger(Call.class);
    private static final CharSequence H_ANTHROPIC_VERSION = HttpHeaders.createOptimized("anthropic-version");
    private static final CharSequence H_X_REQUEST_ID = HttpHeaders.createOptimized("x-request-id");
    private static final CharSequence H_DOWNGRADED_FROM = HttpHeaders.createOptimized("x-tally-downgraded-from");
    private static final CharSequence H_X_APP = HttpHeaders.createOptimized("x-app");
    private static final CharSequence H_X_STAINLESS_LANG = HttpHeaders.createOptimized("x-stainless-lang");
    private static final CharSequence H_SHOULD_RETRY = HttpHeaders.createOptimized("x-should-retry");
    private static final CharSequence FALSE = HttpHeaders.createOptimized("false");
    private static final CharSequence H_RETRY_AFTER = HttpHeaders.createOptimized("retry-after");

    final HttpServerRequest req;
    final HttpServerResponse resp;
    final Api api;
    final Api.Wire wire;
    final String requestId;
    final long startNanos;
    final Usage usage = new Usage();
    private final Services services;
    private CallState state = CallState.ADMITTING;

    private ResolvedKey key;
    private String model;
    /** The tool behind the call, detected once (the run check may ask before the event does). */
    private String client;

    /** The model the client asked for, once admission has rewritten it (the event's downgradedFrom). */
    private String requestedModel;

    private boolean stream;
    private boolean askedUsage;
    private int requestBytes;
    private long maxTokens = -1;
    private Provider provider;
    private String runId;
    /** Why admission refused the call; null while it is admitted. */
    private RefusalReason refusal;

    private Reservation[] reservations;
    private int reserved;
    private Relay relay;
    /** Set by the workload check; null: the key's workload, or interactive. */
    private String workload;

    Call(HttpServerRequest req, HttpServerResponse resp, Api api, String requestId, Services services) {
        this.req = req;
        this.resp = resp;
        this.api = api;
        this.requestId = requestId;
        this.services = services;
        this.startNanos = services.ticker().nanoTime();
        // GET /v1/models is shared by both SDKs; Anthropic's always sends anthropic-version
        this.wire = api == Api.MODELS && req.getHeader(H_ANTHROPIC_VERSION) != null ? Api.Wire.ANTHROPIC : api.wire;
        resp.putHeader(H_X_REQUEST_ID, requestId);
        resp.closeHandler(v -> clientClosed());
        services.inFlight().started();
    }

    CallState state() {
        return state;
    }

    /** The only place a call changes state; the watchdog follows the state. */
    private void moveTo(CallState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("call " + requestId + " cannot move from " + state + " to " + next);
        }
        CallState was = state;
        state = next;
        if (next.watched && !was.watched) {
            services.watchdog().watch(this);
        } else if (was.watched && !next.watched) {
            services.watchdog().unwatch(this);
        }
    }

    // ---- stages move the call forward

    void readingBody() {
        moveTo(CallState.READING_BODY);
    }

    void bodyRead(RequestInspector.Inspected in, int bytes) {
        moveTo(CallState.ADMITTING_BODY);
        requestBytes = bytes;
        model = in.model();
        maxTokens = in.maxTokens();
        stream = in.stream() && api != Api.COUNT_TOKENS && api != Api.EMBEDDINGS;
        askedUsage = api == Api.CHAT_COMPLETIONS && stream && !in.includeUsage();
    }

    /**
     * A call on a stored response or a conversation ({@link Api#storedObject}) has no body the gateway
     * reads: what the client sent was read within the limits, and is forwarded untouched only by the
     * calls that take one ({@link Api#forwardsBody}); it has no model. A retrieve
     * streams when it asks {@code stream=true}.
     */
    void bodySkipped(int bytes) {
        moveTo(CallState.ADMITTING_BODY);
        requestBytes = bytes;
        stream = api == Api.RESPONSES_RETRIEVE && "true".equals(req.getParam("stream"));
    }

    void upstreamSent(Relay r) {
        relay = r;
        moveTo(CallState.WAITING_UPSTREAM);
    }

    /** The provider's head arrived; false when the call is already over. */
    boolean answerStarted() {
        if (state == CallState.DONE) {
            return false;
        }
        moveTo(CallState.RELAYING);
        return true;
    }

    void checkDeadline(long now) {
        if (state == CallState.READING_BODY) {
            if (now - startNanos >= services.bodyTimeoutNanos()) {
                refuse(Refusal.of(
                        RefusalReason.BODY_TIMEOUT,
                        "the request body did not arrive within " + services.bodyTimeoutNanos() / 1_000_000L + " ms"));
            }
        } else if (relay != null) {
            relay.checkDeadline(now);
        }
    }

    // ---- the ways a call ends

    void clientClosed() {
        if (state == CallState.DONE) {
            return;
        }
        Relay contacted = state.upstreamContacted() ? relay : null;
        if (contacted != null && api.billed) {
            contacted.readUsageSeen();
            estimateUsage();
        }
        end(CallOutcome.CLIENT_CANCELLED, 499);
        if (contacted != null) {
            contacted.cancel(); // after end: the cancelled exchange's failure must find the call done
        }
    }

    /**
     * Answers a refusal in the caller's format and ends the call: recorded as {@code rejected} when
     * the caller's key is known, only counted in a metric when not. What is left of the body is
     * discarded as it comes, within the body timeout; then the connection is closed if the refusal
     * says so (a body too large or too slow, a caller without a valid key), or kept for the next call.
     */
    void refuse(Refusal r) {
        if (state == CallState.DONE) {
            return;
        }
        RefusalReason reason = r.reason();
        refusal = reason;
        if (r.retryAfterSeconds() > 0) {
            resp.putHeader(H_RETRY_AFTER, Long.toString(r.retryAfterSeconds()));
        }
        if (!reason.retryable) {
            // the SDKs and Claude Code retry a 401, 402 or 403 unless told not to: the same call cannot succeed
            resp.putHeader(H_SHOULD_RETRY, FALSE);
        }
        boolean close = reason.closesConnection() || key == null;
        if (close && req.version() != HttpVersion.HTTP_2) {
            // HTTP/2 forbids connection-specific headers (RFC 9113, 8.2.2): a client would drop the
            // whole answer as malformed; there the stream is reset instead (Hangup)
            resp.putHeader("connection", "close");
        }
        Future<Void> sent = sendError(r.status(), openAiCode(r), r.message(), r.param());
        if (key == null) {
            services.metrics().unauthenticated(reason, r.status());
        }
        end(CallOutcome.REJECTED, r.status());
        if (reason == RefusalReason.BODY_TIMEOUT || req.isEnded() && close) {
            Hangup.closeAfter(req, resp, sent);
        } else if (!req.isEnded()) {
            long left = (startNanos
                            + services.bodyTimeoutNanos()
                            - services.ticker().nanoTime())
                    / 1_000_000L;
            Hangup.drain(req, resp, services.vertx(), left, sent, close);
        }
    }

    /** The provider failed before any of its answer reached the client. */
    void fail(int status, String message) {
        if (state == CallState.DONE) {
            return;
        }
        if (state == CallState.RELAYING) {
            // the provider's head was taken but nothing written: its headers do not describe this error
            resp.headers().clear();
            resp.setChunked(false);
            resp.putHeader(H_X_REQUEST_ID, requestId);
            if (requestedModel != null) {
                resp.putHeader(H_DOWNGRADED_FROM, requestedModel);
            }
        }
        sendError(status, GatewayErrors.openAiCode(status), message, null);
        end(CallOutcome.UPSTREAM_ERROR, status);
    }

    /** Answers without a model call (the model list): no usage event. */
    void answer(Buffer json) {
        resp.setStatusCode(200).putHeader("content-type", "application/json").end(json);
        moveTo(CallState.DONE);
        settle(CallOutcome.OK);
        services.inFlight().ended();
    }

    /**
     * OpenAI's {@code code} for a refusal: by its status, but for another's stored response or
     * conversation the one OpenAI gives for an id it does not hold ({@code previous_response_not_found}
     * for {@code previous_response_id}, none otherwise).
     */
    private static String openAiCode(Refusal r) {
        if (r.reason() == RefusalReason.NOT_YOUR_RESPONSE) {
            return "previous_response_id".equals(r.param()) ? "previous_response_not_found" : null;
        }
        return GatewayErrors.openAiCode(r.status());
    }

    /** Writes the error answer; null when an answer was already under way. */
    private Future<Void> sendError(int status, String openAiCode, String message, String param) {
        if (resp.ended() || resp.headWritten()) {
            return null;
        }
        if (wire == Api.Wire.ANTHROPIC) {
            // Anthropic sends request-id on every response; its SDK and Claude Code read it from there
            resp.putHeader("request-id", requestId);
        }
        return resp.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .end(GatewayErrors.body(wire, status, openAiCode, message, param, requestId));
    }

    /**
     * Ends the call: settles what admission reserved and records it, exactly once. A call whose
     * caller presented no valid key is not recorded: nobody's usage, and no way for anyone who can
     * reach the port to write events.
     */
    void end(CallOutcome outcome, int status) {
        if (state == CallState.DONE) {
            return;
        }
        moveTo(CallState.DONE);
        try {
            record(outcome, status);
        } finally {
            // after the event is handed over: a stopping instance waits for this before its publisher stops
            services.inFlight().ended();
        }
    }

    private void record(CallOutcome outcome, int status) {
        if (usage.invalid != null) {
            services.metrics().invalidUsage(provider == null ? null : provider.name(), usage.invalid);
            LOG.warnf(
                    "provider %s reported unusable usage for request %s (%s): recorded with estimated counts",
                    provider == null ? null : provider.name(), requestId, usage.invalid.description);
        }
        settle(outcome);
        if (key == null) {
            // no key Tally knows (missing, malformed or unknown): nobody's usage, so no usage event;
            // refuse() counted it in a metric, and the aggregator never sees an event it cannot place
            return;
        }
        if (WarmUp.is(key)) {
            return; // the gateway warming itself: nobody's usage
        }
        if (api.createsObject && usage.responseId != null && status < 300) {
            try {
                services.owners().remember(usage.responseId, key, api == Api.CONVERSATIONS_CREATE);
            } catch (RuntimeException e) {
                LOG.errorf(
                        "the owner of request %s's stored response or conversation not recorded: %s",
                        requestId, e.toString());
            }
        }
        long now = services.ticker().nanoTime();
        try {
            services.recorder()
                    .record(new UsageRecorder.CallFacts(
                            requestId,
                            key.keyId().toString(),
                            key.employeeId() == null ? null : key.employeeId().toString(),
                            key.teamId() == null
                                    ? Team.UNASSIGNED.toString()
                                    : key.teamId().toString(),
                            provider == null ? null : provider.name(),
                            services.models().label(model, relay != null && relay.served()),
                            requestedModel,
                            api,
                            stream,
                            status,
                            outcome,
                            refusal,
                            usage,
                            now - startNanos,
                            relay == null ? null : relay.ttftMs(),
                            workload(),
                            runId,
                            client()));
        } catch (RuntimeException e) {
            // never let accounting break the response; the publisher keeps what it was handed
            LOG.errorf("usage of request %s not recorded: %s", requestId, e.toString());
        }
    }

    /** The workload the call counts under, also when it was refused before the workload check ran. */
    private String workload() {
        if (workload != null) {
            return workload;
        }
        return key.workload() != null ? key.workload() : WorkloadNames.INTERACTIVE;
    }

    @Override
    public String client() {
        if (client == null) {
            client = ClientDetector.detect(
                    req.getHeader(HttpHeaders.USER_AGENT), req.getHeader(H_X_APP), req.getHeader(H_X_STAINLESS_LANG));
        }
        return client;
    }

    private void settle(CallOutcome outcome) {
        for (int i = 0; i < reserved; i++) {
            try {
                reservations[i].settle(usage, outcome);
            } catch (RuntimeException e) {
                LOG.errorf("a reservation of request %s was not settled: %s", requestId, e.toString());
            }
        }
        reserved = 0;
    }

    /** Fills what the provider did not get to report; the event then says estimated=true. */
    void estimateUsage() {
        usage.estimate(requestBytes);
    }

    boolean askedUsage() {
        return askedUsage;
    }

    // ---- PendingCall: what admission checks see and set

    @Override
    public Api api() {
        return api;
    }

    @Override
    public String requestId() {
        return requestId;
    }

    @Override
    public String path() {
        // the raw path, as Api.objectSuffix checked it: the object's id goes to the provider as it came
        return api.idPrefix != null ? req.path() : api.path;
    }

    @Override
    public String header(CharSequence name) {
        return req.getHeader(name);
    }

    @Override
    public MultiMap headers() {
        return req.headers();
    }

    @Override
    public String query() {
        return req.query();
    }

    @Override
    public String origin() {
        HostAndPort authority = req.authority();
        if (authority == null || !plainHost(authority.host())) {
            return null;
        }
        return req.scheme() + "://" + authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
    }

    /** A DNS name or an IP address, nothing a client could use to put other text into a message. */
    private static boolean plainHost(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '.'
                    || c == '-'
                    || c == ':'
                    || c == '['
                    || c == ']')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int headerCount() {
        int n = 0;
        for (var ignored : req.headers()) {
            n++;
        }
        return n;
    }

    @Override
    public String clientAddress() {
        SocketAddress a = req.remoteAddress();
        return a == null ? null : a.hostAddress();
    }

    @Override
    public ResolvedKey key() {
        return key;
    }

    @Override
    public void identify(ResolvedKey key) {
        this.key = key;
    }

    @Override
    public String model() {
        return model;
    }

    /** The model the client asked for, when admission changed it; else null. */
    String requestedModel() {
        return requestedModel;
    }

    @Override
    public void rewriteModel(String to) {
        if (state != CallState.ADMITTING_BODY) {
            throw new IllegalStateException("the model can only be rewritten once the body is read");
        }
        if (to.equals(model)) {
            return;
        }
        if (requestedModel == null) {
            requestedModel = model;
            resp.putHeader(H_DOWNGRADED_FROM, model);
        }
        model = to;
    }

    @Override
    public int requestBytes() {
        return requestBytes;
    }

    @Override
    public long maxTokens() {
        return maxTokens;
    }

    @Override
    public Provider provider() {
        return provider;
    }

    @Override
    public void route(Provider provider) {
        this.provider = provider;
    }

    @Override
    public void workload(String workload) {
        this.workload = workload;
    }

    @Override
    public String runId() {
        return runId;
    }

    @Override
    public void runId(String runId) {
        this.runId = runId;
    }

    @Override
    public void reserve(Reservation r) {
        if (state == CallState.DONE) {
            throw new IllegalStateException("call " + requestId + " is over");
        }
        if (reservations == null) {
            reservations = new Reservation[2];
        } else if (reserved == reservations.length) {
            reservations = Arrays.copyOf(reservations, reserved * 2);
        }
        reservations[reserved++] = r;
    }

    @Override
    public boolean stream() {
        return stream;
    }
}
