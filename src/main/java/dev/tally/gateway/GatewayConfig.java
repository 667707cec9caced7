package dev.tally.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Gateway settings ({@code tally.gateway.*}). Providers themselves are configured as
 * {@code TALLY_PROVIDERS_<NAME>_BASE_URL} / {@code _API_KEY} (see {@link ProviderRegistry}).
 */
@ConfigMapping(prefix = "tally.gateway")
public interface GatewayConfig {

    /** Answer every model with the built-in simulated provider (also implied by tally.demo.enabled). */
    @WithDefault("false")
    boolean simulate();

    /** Largest request body accepted; larger ones get a 413 in the caller's format. */
    @WithDefault("32M")
    MemorySize maxBodySize();

    /**
     * On SIGTERM: how long new calls are still admitted after readiness turns DOWN (for a load
     * balancer that notices late), before they are refused with 503 ({@code DrainCheck}).
     */
    @WithDefault("0s")
    Duration drainDelay();

    /** On SIGTERM: how long the calls in flight may take to finish before the instance stops anyway. */
    @WithDefault("25s")
    Duration drainTimeout();

    /**
     * Time from the request head to the end of its body; a body still incomplete then gets a 408 in
     * the caller's format and the connection is closed (a slow or stalled body holds nothing longer).
     */
    @WithDefault("30s")
    Duration bodyTimeout();

    /** Most request headers a gateway call may have (431 beyond; 0 = no limit). Their total size is quarkus.http.limits.max-header-size. */
    @WithDefault("100")
    int maxHeaderCount();

    /** Time to open a connection to a provider before the call fails with 504. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Time from sending the request to the provider's response head (non-streaming calls wait for the whole answer). */
    @WithDefault("600s")
    Duration firstByteTimeout();

    /** Longest silence between two chunks of a provider's response body. */
    @WithDefault("300s")
    Duration betweenChunksTimeout();

    /**
     * Calls the gateway sends through itself, once it listens and its clients' calls have been calm
     * for 2 s, to a loopback provider, so that the JIT has profiled every path before the first
     * employees' calls ({@link WarmUp}; 500 is the measured setting). Never recorded. Off (0) by
     * default: it made a stream's first calls faster and a saturated gateway serve less
     * (docs/startup.md, "The gateway warms itself").
     */
    @WithDefault("0")
    int warmUpCalls();

    /**
     * Longest a call may take from its first byte to its last, however steadily the provider sends:
     * an answer that has not ended by then is cut (recorded with status 504, usage estimated).
     */
    @WithDefault("60m")
    Duration maxCallDuration();

    /**
     * Model → provider rules, first match wins: {@code pattern=provider}, where a pattern ending in
     * {@code *} is a prefix and anything else an exact name. Rules of
     * {@code tally.gateway.extra-routes} are tried before these defaults.
     */
    @WithDefault("claude-*=anthropic,gpt-*=openai,chatgpt-*=openai,o1*=openai,o3*=openai,o4*=openai,"
            + "text-embedding-*=openai,davinci-*=openai,babbage-*=openai")
    List<String> routes();

    /**
     * The provider of the Responses API's calls on a stored response (retrieve, delete, cancel, input
     * items): they name a response, not a model, so no route rule applies.
     */
    @WithDefault("openai")
    String responsesProvider();

    /** Rules tried before {@link #routes()}, for additional providers (e.g. {@code llama-*=vllm}). */
    Optional<List<String>> extraRoutes();

    /** Default requests per minute per key (0 = unlimited); a key's own limit wins. */
    @WithDefault("600")
    int requestsPerMinute();

    /** Default tokens (all kinds) per minute per key (0 = unlimited); a key's own limit wins. */
    @WithDefault("2000000")
    long tokensPerMinute();

    /** Default calls in flight at once per key (0 = unlimited); a key's own {@code maxInFlight} wins. */
    @WithDefault("32")
    int maxInFlightPerKey();

    /**
     * How often each gateway exchanges its share of every recently used key's limits with the other
     * gateways through PostgreSQL (requests and tokens per minute, calls in flight; docs/adr/0012).
     */
    @WithDefault("1s")
    Duration limitShareInterval();

    /**
     * Keys whose limits one gateway shares with the others at most, in the order they were used; a key
     * beyond it is limited by this gateway alone (as with one gateway) until idle keys are forgotten.
     * Bounds the memory and the size of each exchange.
     */
    @WithDefault("10000")
    int sharedLimitKeys();

    /**
     * Output tokens reserved against the tokens per minute for a call that sets no
     * {@code max_tokens} (its input is estimated at a token per 4 bytes of request).
     */
    @WithDefault("4096")
    long outputTokensEstimate();

    /** Calls without a valid key one client address may make at once before it is throttled (429). */
    @WithDefault("20")
    int invalidKeyBurst();

    /** Calls without a valid key per minute one client address may make after its burst (0 = no throttle). */
    @WithDefault("10")
    int invalidKeysPerMinute();

    /**
     * Request headers forwarded to providers (besides content-type and accept); a name ending in
     * {@code *} forwards every header it begins. The defaults are what the providers act on
     * (versions, betas, organization and project) and what they log about the client (user agent,
     * Claude Code's app and session, the SDKs' {@code x-stainless-*}, OpenAI's client request id);
     * docs/claude-code.md says why each one.
     */
    @WithDefault("anthropic-version,anthropic-beta,openai-organization,openai-project,openai-beta,user-agent,x-app,"
            + "x-claude-code-session-id,x-client-request-id,x-stainless-*")
    List<String> forwardHeaders();

    /**
     * Query parameters forwarded to providers; any other is dropped and counted
     * ({@code tally_gateway_query_params_dropped_total}). {@code beta}: the Anthropic SDKs' beta
     * namespace and Claude Code call {@code /v1/messages?beta=true}; {@code api-version}: Azure
     * OpenAI's required version.
     */
    @WithDefault("beta,api-version")
    List<String> forwardQueryParams();

    /** Keep-alive connections per provider host. */
    @WithDefault("256")
    int poolSize();

    /** An HTTP proxy for the calls to the providers (see {@link UpstreamProxy}). */
    Proxy proxy();

    interface Proxy {
        /** {@code http://[user:password@]host[:port]}; unset: the providers are reached directly. */
        Optional<String> url();

        /** Hosts reached directly: names (each covers its subdomains), addresses, or {@code *}. */
        Optional<List<String>> noProxy();
    }
}
