package dev.tally.gateway;

/**
 * The client-facing endpoints; {@code wire} is the API format of requests, responses and errors. The
 * calls on what the Responses API stores ({@link #storedObject}: a stored response, a conversation)
 * name no model; those whose path carries the object's id ({@link #idPrefix}) have a path template and
 * are routed by {@link #ofObjectPath}, never by {@link #ofPath}.
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
            "include%5b%5d"),
    /**
     * OpenAI's Conversations API (the Agents SDK's {@code OpenAIConversationsSession}): creating a
     * conversation, whose answer's {@code id} is recorded as the caller's. Like the calls below it names
     * no model, costs nothing at the provider and goes to the provider of the Responses API; the body
     * is forwarded as it came.
     */
    CONVERSATIONS_CREATE("/v1/conversations", "conversations.create", Wire.OPENAI_RESPONSES, false, "POST", null),
    CONVERSATIONS_RETRIEVE(
            "/v1/conversations/{conversation_id}", "conversations.retrieve", Wire.OPENAI_RESPONSES, false, "GET", ""),
    /** Updating a conversation's metadata. */
    CONVERSATIONS_UPDATE(
            "/v1/conversations/{conversation_id}", "conversations.update", Wire.OPENAI_RESPONSES, false, "POST", ""),
    CONVERSATIONS_DELETE(
            "/v1/conversations/{conversation_id}", "conversations.delete", Wire.OPENAI_RESPONSES, false, "DELETE", ""),
    CONVERSATIONS_ITEMS_CREATE(
            "/v1/conversations/{conversation_id}/items",
            "conversations.items.create",
            Wire.OPENAI_RESPONSES,
            false,
            "POST",
            "/items",
            "include",
            "include%5B%5D",
            "include%5b%5d"),
    CONVERSATIONS_ITEMS_LIST(
            "/v1/conversations/{conversation_id}/items",
            "conversations.items.list",
            Wire.OPENAI_RESPONSES,
            false,
            "GET",
            "/items",
            "after",
            "limit",
            "order",
            "include",
            "include%5B%5D",
            "include%5b%5d"),
    CONVERSATIONS_ITEMS_RETRIEVE(
            "/v1/conversations/{conversation_id}" + Api.ITEM_SUFFIX,
            "conversations.items.retrieve",
            Wire.OPENAI_RESPONSES,
            false,
            "GET",
            Api.ITEM_SUFFIX,
            "include",
            "include%5B%5D",
            "include%5b%5d"),
    CONVERSATIONS_ITEMS_DELETE(
            "/v1/conversations/{conversation_id}" + Api.ITEM_SUFFIX,
            "conversations.items.delete",
            Wire.OPENAI_RESPONSES,
            false,
            "DELETE",
            Api.ITEM_SUFFIX);

    /** The start of every path of a call on a stored response. */
    static final String RESPONSE_PREFIX = "/v1/responses/";

    /** The start of every path of a call on a conversation. */
    static final String CONVERSATION_PREFIX = "/v1/conversations/";

    /** The longest object id taken (OpenAI's response ids are {@code resp_} and 48 hex digits). */
    static final int MAX_OBJECT_ID = 128;

    /** The suffix template of a conversation item's calls; the item id is checked like the conversation's. */
    static final String ITEM_SUFFIX = "/items/{item_id}";

    private static final String ITEMS_SLASH = "/items/";

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
     * A call on what the Responses API stores (a stored response, a conversation and its items): it
     * names no model, the gateway reads nothing of its body, and it goes to the provider of the
     * Responses API.
     */
    public final boolean storedObject;
    /**
     * The start of the path before the id of the object it names ({@link #RESPONSE_PREFIX},
     * {@link #CONVERSATION_PREFIX}), or null for a path without an id: such paths are routed by
     * {@link #ofObjectPath}, never by {@link #ofPath}.
     */
    public final String idPrefix;
    /** Whether the client's body goes to the provider as it came (a conversation's create, update, items). */
    public final boolean forwardsBody;
    /** Whether the answer's {@code id} is a stored object the caller now owns (a response, a conversation). */
    public final boolean createsObject;
    /**
     * Whether the body may name a stored response to continue ({@code previous_response_id}: creating
     * and compacting a response), whose owner is checked.
     */
    public final boolean continuesStored;
    /**
     * What follows the object's id in the path ({@code ""}, {@code /cancel}, {@code /input_items},
     * {@code /items}, {@value #ITEM_SUFFIX}); null for a path without an id.
     */
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
        boolean conversations = path.startsWith("/v1/conversations");
        this.idPrefix = path.contains("{response_id}")
                ? RESPONSE_PREFIX
                : path.contains("{conversation_id}") ? CONVERSATION_PREFIX : null;
        this.storedObject = idPrefix != null || conversations;
        this.forwardsBody = conversations && method.equals("POST");
        this.createsObject = path.equals("/v1/responses") || path.equals("/v1/conversations");
        this.continuesStored = path.equals("/v1/responses") || path.equals("/v1/responses/compact");
        this.suffix = suffix;
        this.queryParams = java.util.List.of(query);
    }

    /** The API served at a gateway path, or null; never a call whose path names an object (see {@link #ofObjectPath}). */
    public static Api ofPath(String path) {
        for (Api api : VALUES) {
            if (api.idPrefix == null && api.path.equals(path)) {
                return api;
            }
        }
        return null;
    }

    /**
     * The call on a stored response or a conversation that {@code method} on {@code path} asks for;
     * null when the path is not one (see {@link #objectSuffix}) or the method is not the one taken there.
     */
    static Api ofObjectPath(String method, String path) {
        String suffix = objectSuffix(path);
        if (suffix == null) {
            return null;
        }
        String prefix = prefixOf(path);
        for (Api api : VALUES) {
            if (prefix.equals(api.idPrefix) && api.suffix.equals(suffix) && api.method.equals(method)) {
                return api;
            }
        }
        return null;
    }

    private static String prefixOf(String path) {
        if (path == null) {
            return null;
        }
        return path.startsWith(RESPONSE_PREFIX)
                ? RESPONSE_PREFIX
                : path.startsWith(CONVERSATION_PREFIX) ? CONVERSATION_PREFIX : null;
    }

    /**
     * The suffix template of a path that names a stored object ({@code /v1/responses/{response_id}
     * [/cancel|/input_items]}, {@code /v1/conversations/{conversation_id}[/items[/{item_id}]]}), or null
     * when the path is not such a call. Each id is taken as the client wrote it, and only when it is 1
     * to {@value #MAX_OBJECT_ID} ASCII letters, digits, {@code _} or {@code -}: the path goes to the
     * provider as it is, so nothing in it may be an escape, a dot segment or a second path
     * ({@code compact} is the compaction's path, not a response id).
     */
    static String objectSuffix(String path) {
        String prefix = prefixOf(path);
        if (prefix == null) {
            return null;
        }
        int start = prefix.length();
        int end = idEnd(path, start);
        if (end < 0 || prefix.equals(RESPONSE_PREFIX) && end - start == 7 && path.startsWith("compact", start)) {
            return null;
        }
        String rest = path.substring(end);
        for (Api api : VALUES) {
            if (!prefix.equals(api.idPrefix)) {
                continue;
            }
            if (api.suffix.equals(ITEM_SUFFIX)
                    ? rest.startsWith(ITEMS_SLASH) && idEnd(rest, ITEMS_SLASH.length()) == rest.length()
                    : api.suffix.equals(rest)) {
                return api.suffix;
            }
        }
        return null;
    }

    /** Where the id that starts at {@code start} ends, or -1 when there is none or it is too long or unsafe. */
    private static int idEnd(String s, int start) {
        int end = start;
        while (end < s.length() && end - start <= MAX_OBJECT_ID && idChar(s.charAt(end))) {
            end++;
        }
        int length = end - start;
        return length == 0 || length > MAX_OBJECT_ID ? -1 : end;
    }

    /** The id of the stored response or conversation in a path {@link #objectSuffix} accepted. */
    static String objectId(String path) {
        int start = prefixOf(path).length();
        return path.substring(start, idEnd(path, start));
    }

    /** Whether {@code id} is an object id as the paths accept one: 1 to {@value #MAX_OBJECT_ID} letters, digits, _ or -. */
    static boolean safeObjectId(CharSequence id) {
        if (id == null || id.length() == 0 || id.length() > MAX_OBJECT_ID) {
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
        String suffix = objectSuffix(path);
        String prefix = suffix == null ? null : prefixOf(path);
        StringBuilder b = new StringBuilder();
        for (Api api : VALUES) {
            boolean here = suffix != null
                    ? prefix.equals(api.idPrefix) && api.suffix.equals(suffix)
                    : api.idPrefix == null && api.path.equals(path);
            if (here) {
                b.append(b.length() == 0 ? "" : ", ").append(api.method);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }
}
