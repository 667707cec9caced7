package dev.tally.gateway;

/** The client-facing endpoints; {@code wire} is the API format of requests, responses and errors. */
public enum Api {
    CHAT_COMPLETIONS("/v1/chat/completions", "chat.completions", Wire.OPENAI, true),
    /** OpenAI's Responses API (what OpenAI's Codex CLI and Agents SDK call): creating a response. */
    RESPONSES("/v1/responses", "responses", Wire.OPENAI_RESPONSES, true),
    /** The Responses API's compaction of a long conversation (Codex calls it in long sessions): billed. */
    RESPONSES_COMPACT("/v1/responses/compact", "responses.compact", Wire.OPENAI_RESPONSES, true),
    MESSAGES("/v1/messages", "messages", Wire.ANTHROPIC, true),
    COUNT_TOKENS("/v1/messages/count_tokens", "messages.count_tokens", Wire.ANTHROPIC, false),
    EMBEDDINGS("/v1/embeddings", "embeddings", Wire.OPENAI, true),
    MODELS("/v1/models", "models", Wire.OPENAI, false);

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

    Api(String path, String eventName, Wire wire, boolean billed) {
        this.path = path;
        this.eventName = eventName;
        this.wire = wire;
        this.billed = billed;
    }

    /** The API served at a gateway path, or null. */
    public static Api ofPath(String path) {
        for (Api api : values()) {
            if (api.path.equals(path)) {
                return api;
            }
        }
        return null;
    }
}
