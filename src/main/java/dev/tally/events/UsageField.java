package dev.tally.events;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The data fields of a usage event ({@code dev.tally.usage.v1}), defined once: their JSON names
 * and order (that of {@link UsageData}'s components), their type, and which of them the aggregator
 * requires of which call. The gateway's writer ({@link UsageEventJson}) emits exactly these, in
 * this order; the aggregator's decoder ({@code rollup.EventDecoder}) reads them by this enum and
 * refuses an event that lacks what {@link #required} says. {@code UsageEventContractTest} holds the
 * record, the writer, the decoder and this list together, and drives every refusal of the gateway
 * through the decoder. Token fields come from {@link TokenKind}.
 */
public enum UsageField {
    REQUEST_ID("requestId", Type.STRING, Need.NEVER),
    /** Required of a refused call: its refusals are counted per key. */
    KEY_ID("keyId", Type.UUID, Need.IF_REJECTED),
    /**
     * The person whose key made the call; absent from a service key's call (the team's, no person's:
     * docs/workloads.md) and possibly from a refused one (counted under its key).
     */
    EMPLOYEE_ID("employeeId", Type.UUID, Need.OPTIONAL),
    TEAM_ID("teamId", Type.UUID, Need.ALWAYS),
    /** Absent from a call refused before it was routed. */
    PROVIDER("provider", Type.STRING, Need.UNLESS_REJECTED),
    /**
     * Absent from a call refused before its body was read, and from a free call that names none (on a
     * stored response or a conversation: zero tokens, cost 0), which the aggregator counts nowhere.
     */
    MODEL("model", Type.STRING, Need.UNLESS_REJECTED),
    API("api", Type.STRING, Need.NEVER),
    STREAM("stream", Type.BOOLEAN, Need.NEVER),
    STATUS("status", Type.INTEGER, Need.NEVER),
    OUTCOME("outcome", Type.STRING, Need.ALWAYS),
    INPUT_TOKENS(TokenKind.INPUT),
    OUTPUT_TOKENS(TokenKind.OUTPUT),
    CACHE_READ_TOKENS(TokenKind.CACHE_READ),
    CACHE_WRITE_TOKENS(TokenKind.CACHE_WRITE),
    REASONING_TOKENS(TokenKind.REASONING),
    /** Nano-dollars; null when the model has no price. */
    COST_NANOS("costNanos", Type.INTEGER, Need.IF_PRICED),
    PRICED("priced", Type.BOOLEAN, Need.ALWAYS),
    ESTIMATED("estimated", Type.BOOLEAN, Need.NEVER),
    LATENCY_MS("latencyMs", Type.INTEGER, Need.NEVER),
    TTFT_MS("ttftMs", Type.INTEGER, Need.NEVER),
    DOWNGRADED_FROM("downgradedFrom", Type.STRING, Need.NEVER),
    /** Why the gateway refused the call: a {@code RefusalReason} value ({@code revoked}, …). */
    REFUSAL("refusal", Type.STRING, Need.IF_REJECTED),
    /** The service key's, the {@code x-tally-workload} header's or {@code interactive}; absent before issue 14. */
    WORKLOAD("workload", Type.STRING, Need.OPTIONAL),
    RUN_ID("runId", Type.STRING, Need.OPTIONAL),
    /** The tool that made the call ({@code claude-code}, {@code openai-sdk-python}: {@code workload.ClientDetector}). */
    CLIENT("client", Type.STRING, Need.OPTIONAL);

    /** The JSON types of the fields; any of them may be null where {@link Need} allows. */
    public enum Type {
        STRING,
        UUID,
        BOOLEAN,
        INTEGER
    }

    /** When the aggregator requires a field. */
    public enum Need {
        ALWAYS,
        /** Never required, and not read: the rollups do not use it. */
        NEVER,
        /** Never required, but read and checked when present: the rollups use it (absent: a default). */
        OPTIONAL,
        /** Of every call but a refused one ({@code outcome=rejected}). */
        UNLESS_REJECTED,
        /** Of a refused call. */
        IF_REJECTED,
        /** Of a priced call. */
        IF_PRICED
    }

    /** Every field, in order (one shared list: {@code values()} copies on each call). */
    public static final List<UsageField> ALL = List.of(values());

    private static final Map<String, UsageField> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(UsageField::json, f -> f));

    private final String json;
    private final Type type;
    private final Need need;
    private final TokenKind tokens;

    UsageField(String json, Type type, Need need) {
        this.json = json;
        this.type = type;
        this.need = need;
        this.tokens = null;
    }

    UsageField(TokenKind kind) {
        this.json = kind.field();
        this.type = Type.INTEGER;
        this.need = kind.required() ? Need.ALWAYS : Need.NEVER;
        this.tokens = kind;
    }

    /** The field's name in the event's {@code data}. */
    public String json() {
        return json;
    }

    public Type type() {
        return type;
    }

    public Need need() {
        return need;
    }

    /** The token kind a token field counts, else null. */
    public TokenKind tokenKind() {
        return tokens;
    }

    /** Whether an event of this outcome and pricing must carry the field. */
    public boolean required(boolean rejected, boolean priced) {
        return switch (need) {
            case ALWAYS -> true;
            case NEVER, OPTIONAL -> false;
            case UNLESS_REJECTED -> !rejected;
            case IF_REJECTED -> rejected;
            case IF_PRICED -> priced;
        };
    }

    /** The field of that JSON name, or null (one hash lookup: the decoder's hot path). */
    public static UsageField byName(String json) {
        return BY_NAME.get(json);
    }
}
