package dev.tally.gateway.admission;

import dev.tally.gateway.Api;
import dev.tally.gateway.Provider;
import dev.tally.identity.ResolvedKey;

/**
 * What an {@link AdmissionCheck} sees of a call and may change about it. Before the body
 * ({@link AdmissionCheck.Phase#PRE_BODY}) only the headers are known; after it the model, the body
 * size and {@code max_tokens} are too.
 */
public interface PendingCall {

    Api api();

    String requestId();

    /** A request header, or null. */
    String header(CharSequence name);

    /**
     * {@code scheme://host[:port]} as the client addressed Tally (after any forwarded headers Quarkus
     * is told to trust), or null when the Host header is not a plain host name: for links in messages.
     */
    String origin();

    /** How many request headers the call has (each repetition of a name counts). */
    int headerCount();

    /** The client's address (as Quarkus resolves it, behind a trusted proxy the forwarded one); null if unknown. */
    String clientAddress();

    /** The tool behind the call, from its headers ({@code ClientDetector}): the usage event's {@code client}. */
    String client();

    /** The caller's key once identified (also a revoked or expired one, so its team is recorded). */
    ResolvedKey key();

    /** Names the caller: only the key check does this. */
    void identify(ResolvedKey key);

    /**
     * The model the call will use; null before the body, and for a call that names no model (the
     * Responses API's calls on a stored response or a conversation, {@link dev.tally.gateway.Api#storedObject}), which
     * passes the post-body checks too.
     */
    String model();

    /** Replaces the model (a budget's downgrade); the provider gets the new name, the event both. */
    void rewriteModel(String model);

    /** Bytes of the request body; 0 before the body. */
    int requestBytes();

    /** The request's {@code max_tokens} (or {@code max_completion_tokens}); -1 when absent. */
    long maxTokens();

    /** The provider the call goes to; null until the route check has run. */
    Provider provider();

    /** Sets the provider: only the route check does this. */
    void route(Provider provider);

    /**
     * The call's workload (docs/workloads.md): only the workload check does this. Unset, a call counts
     * under its key's workload, or {@code interactive}.
     */
    void workload(String workload);

    /** The run the call belongs to (the event's {@code runId}); null until the run check has set it. */
    String runId();

    /** Names the call's run: only the run check does this. */
    void runId(String runId);

    /** Holds {@code r} until the call ends, then settles it exactly once. */
    void reserve(Reservation r);
}
