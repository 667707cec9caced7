package dev.tally.events;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The kinds of tokens a usage event counts, defined once: the event's JSON field, the rollup column
 * ({@code input_tokens} for {@code inputTokens}) and how to read it from {@link UsageData}. The
 * event writer ({@link UsageEventJson}), the aggregator's decoder and rollup writer, and the
 * reports all iterate this enum; see docs/aggregation.md "Adding a token kind".
 *
 * <p>The order is {@link UsageData}'s component order: the hand-written JSON writer emits the
 * fields in it, and {@code UsageEventJsonTest} checks the bytes against Jackson's.
 */
public enum TokenKind {
    INPUT("inputTokens", UsageData::inputTokens, true, true),
    OUTPUT("outputTokens", UsageData::outputTokens, true, true),
    CACHE_READ("cacheReadTokens", UsageData::cacheReadTokens, true, true),
    CACHE_WRITE("cacheWriteTokens", UsageData::cacheWriteTokens, true, true),
    /** Inside the output tokens at both providers: shown, but not billed a second time. */
    REASONING("reasoningTokens", UsageData::reasoningTokens, false, false);

    /** Every kind, in declaration order (one shared array: {@code values()} copies on each call). */
    public static final List<TokenKind> ALL = List.of(values());

    private final String field;
    private final String column;
    private final ToLongFunction<UsageData> reader;
    private final boolean required;
    private final boolean billable;

    TokenKind(String field, ToLongFunction<UsageData> reader, boolean required, boolean billable) {
        this.field = field;
        this.column = field.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
        this.reader = reader;
        this.required = required;
        this.billable = billable;
    }

    /** The field in the event's {@code data}. */
    public String field() {
        return field;
    }

    /** The bigint column in every usage rollup table. */
    public String column() {
        return column;
    }

    public long of(UsageData d) {
        return reader.applyAsLong(d);
    }

    /** Whether an event must carry the field; false for kinds added after events were first written. */
    public boolean required() {
        return required;
    }

    /** Whether the kind counts towards an unpriced call's {@code unpriced_tokens}. */
    public boolean billable() {
        return billable;
    }

    private static final Map<String, TokenKind> BY_FIELD =
            ALL.stream().collect(Collectors.toUnmodifiableMap(TokenKind::field, k -> k));

    /** The kind whose event field is {@code field}, or null (one hash lookup: the decoder's hot path). */
    public static TokenKind byField(String field) {
        return BY_FIELD.get(field);
    }
}
