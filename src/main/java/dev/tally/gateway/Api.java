package dev.tally.gateway;

/** The client-facing endpoints; {@code wire} is the API format of requests, responses and errors. */
public enum Api {
    CHAT_COMPLETIONS("/v1/chat/completions", "chat.completions", Wire.OPENAI, true),
    MESSAGES("/v1/messages", "messages", Wire.ANTHROPIC, true),
    COUNT_TOKENS("/v1/messages/count_tokens", "messages.count_tokens", Wire.ANTHROPIC, false),
    EMBEDDINGS("/v1/embeddings", "embeddings", Wire.OPENAI, true),
    MODELS("/v1/models", "models", Wire.OPENAI, false);

    public enum Wire {
        OPENAI,
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
}
