package dev.tally.gateway;

/**
 * The client-facing endpoints; {@code wire} is the API format of requests, responses and errors. The
 * calls on a stored response ({@link #byResponseId}) have a path template: their path carries the
 * response's id, they have no body and no model, and they are routed by {@link #ofResponsePath},
 * never by {@link #ofPath}.
 */
public enum Api {
    CHAT_COMPLETIONS("/v1/chat/completions", "chat.completions", Wire.OPENAI, true),
    /** OpenAI's Responses API (what OpenAI's Codex CLI and Agents SDK call): creating a response. */
    RESPONSES("/v1/responses", "responses", Wire.OPENAI_RESPONSES, true),
    /** The Responses API's compaction of a long conversation (Codex calls it in long sessions): billed. */
    RESPONSES_COMPACT("/v1/responses/compact", "responses.compact", Wire.OPENAI_RESPONSES, true),
    MESSAGES("/v1/messages", "messages", Wire.ANTHROPIC, true),
    COUNT_TOKENS("/v1/messages/count_tokens", "messages.count_tokens", Wire.ANTHROPIC, false),
    EMBEDDINGS("/v1/embeddings", "embeddings", Wire.OPENAI, true),
    MODELS("/v1/models", "models", Wire.OPENAI, false, "GET", null),
    /**
     * Retrieving a stored response; with {@code ?stream=true&starting_after=N} its stream events again
     * from after N. Free at the provider: the response's usage was counted when it was created.
     */
    RESPONSES_RETRIEVE(
            "/v1/responses/{response_id}",
            "responses.retrieve",
            Wire.OPENAI_RESPONSES,
            false,
            "GET",
            "",
            "stream",
            "starting_after",
            "include_obfuscation",
            "include",
            "include%5B%5D",
            "include%5b%5d"),
    RESPONSES_DELETE("/v1/responses/{response_id}", "responses.delete", Wire.OPENAI_RESPONSES, false, "DELETE", ""),
    /** Cancelling a background response (which the gateway does not create: see docs/gateway.md). */
    RESPONSES_CANCEL(
            "/v1/responses/{response_id}/cancel", "responses.cancel", Wire.OPENAI_RESPONSES, false, "POST", "/cancel"),
    RESPONSES_INPUT_ITEMS(
            "/v1/responses/{response_id}/input_items",
            "responses.input_items",
            Wire.OPENAI_RESPONSES,
            false,
            "GET",
            "/input_items",
            "after",
            "limit",
            "order",
            "include",
            "include%5B%5D",
            "include%5b%5d");

    /** The start of every path of a call on a stored response. */
    static final String RESPONSE_PREFIX = "/v1/responses/";

    /** The longest response id taken (OpenAI's are {@code resp_} and 48 hex digits). */
    static final int MAX_RESPONSE_ID = 128;

    private static final Api[] VALUES = values();

    /**
     * The API format of an endpoint's requests and answers. Errors come in two shapes only: Anthropic's
     * for {@link #ANTHROPIC}, OpenAI's for the others.
     */
    public enum Wire {
        /** OpenAI's chat completions, embeddings and model list. */
        OPENAI,
        /**
         * OpenAI's Responses API: its own answer and stream events ({@code response.completed} carries
         * the usage, named {@code input_tokens} and {@code output_tokens}), OpenAI's error shape.
         */
        OPENAI_RESPONSES,
        ANTHROPIC
    }

    public final String path;
    /** Value of the usage event's {@code api} field. */
    public final String eventName;

    public final Wire wire;
    /** Whether the provider bills the call (count_tokens and the model list are free). */
    public final boolean billed;

    /** The HTTP method the gateway takes on this path. */
    public final String method;
    /**
     * A call on a stored response: the path carries its id ({@code {response_id}} in {@link #path}),
     * no body or model is read, and it goes to the provider of the Responses API.
     */
    public final boolean byResponseId;
    /** What follows the response id in the path ({@code ""}, {@code /cancel}, {@code /input_items}). */
    final String suffix;
    /**
     * Query parameters the API documents for this call, forwarded as the client wrote them (besides
     * {@code tally.gateway.forward-query-params}); an array parameter as the SDKs encode its name.
     */
    final java.util.List<String> queryParams;

    Api(String path, String eventName, Wire wire, boolean billed) {
        this(path, eventName, wire, billed, "POST", null);
    }

    Api(String path, String eventName, Wire wire, boolean billed, String method, String suffix, String... query) {
        this.path = path;
        this.eventName = eventName;
        this.wire = wire;
        this.billed = billed;
        this.method = method;
        this.byResponseId = path.contains("{response_id}");
        this.suffix = suffix;
        this.queryParams = java.util.List.of(query);
    }

    /** The API served at a gateway path, or null; never a call on a stored response (see {@link #ofResponsePath}). */
    public static Api ofPath(String path) {
        for (Api api : VALUES) {
            if (!api.byResponseId && api.path.equals(path)) {
                return api;
            }
        }
        return null;
    }

    /**
     * The call on a stored response that {@code method} on {@code path} asks for; null when the path
     * is not one (see {@link #responseSuffix}) or the method is not the one taken there.
     */
    static Api ofResponsePath(String method, String path) {
        String suffix = responseSuffix(path);
        if (suffix == null) {
            return null;
        }
        for (Api api : VALUES) {
            if (api.byResponseId && api.suffix.equals(suffix) && api.method.equals(method)) {
                return api;
            }
        }
        return null;
    }

    /**
     * What follows the response id in a path {@code /v1/responses/{response_id}[/cancel|/input_items]},
     * or null when the path is not such a call. The id is taken as the client wrote it, and only
     * when it is 1 to {@value #MAX_RESPONSE_ID} ASCII letters, digits, {@code _} or {@code -}: the
     * path goes to the provider as it is, so nothing in it may be an escape, a dot segment or a
     * second path ({@code compact} is the compaction's path, not an id).
     */
    static String responseSuffix(String path) {
        if (path == null || !path.startsWith(RESPONSE_PREFIX)) {
            return null;
        }
        int start = RESPONSE_PREFIX.length();
        int end = start;
        while (end < path.length() && end - start <= MAX_RESPONSE_ID && idChar(path.charAt(end))) {
            end++;
        }
        int length = end - start;
        if (length == 0 || length > MAX_RESPONSE_ID || length == 7 && path.startsWith("compact", start)) {
            return null;
        }
        String suffix = path.substring(end);
        for (Api api : VALUES) {
            if (api.byResponseId && api.suffix.equals(suffix)) {
                return api.suffix;
            }
        }
        return null;
    }

    /** The response id in a path {@link #responseSuffix} accepted. */
    static String responseId(String path) {
        String suffix = responseSuffix(path);
        return path.substring(RESPONSE_PREFIX.length(), path.length() - suffix.length());
    }

    /** Whether {@code id} is a response id as the paths accept one: 1 to {@value #MAX_RESPONSE_ID} letters, digits, _ or -. */
    static boolean safeResponseId(CharSequence id) {
        if (id == null || id.length() == 0 || id.length() > MAX_RESPONSE_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (!idChar(id.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean idChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    /** The methods taken on {@code path} ({@code "GET, DELETE"}), or null when the gateway serves no such path. */
    static String methodsAt(String path) {
        String suffix = responseSuffix(path);
        StringBuilder b = new StringBuilder();
        for (Api api : VALUES) {
            boolean here = suffix != null
                    ? api.byResponseId && api.suffix.equals(suffix)
                    : !api.byResponseId && api.path.equals(path);
            if (here) {
                b.append(b.length() == 0 ? "" : ", ").append(api.method);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }
}
