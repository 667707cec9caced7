package dev.tally.gateway;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the providers' usage blocks, per their documented shapes:
 * <ul>
 * <li>OpenAI {@code usage}: {@code prompt_tokens} INCLUDES {@code prompt_tokens_details.cached_tokens},
 * so input = prompt − cached; {@code completion_tokens} includes
 * {@code completion_tokens_details.reasoning_tokens}. Embeddings only have {@code prompt_tokens}.</li>
 * <li>OpenAI Responses API {@code usage}: the same counts under other names: {@code input_tokens}
 * INCLUDES {@code input_tokens_details.cached_tokens}, {@code output_tokens} includes
 * {@code output_tokens_details.reasoning_tokens}.</li>
 * <li>Anthropic {@code usage}: {@code input_tokens} EXCLUDES {@code cache_read_input_tokens} and
 * {@code cache_creation_input_tokens} (reported beside it); {@code cache_creation} splits the writes
 * into 5-minute and 1-hour ones. In a stream, {@code message_start} carries the first counts and
 * {@code message_delta} the cumulative ones, so a field that is present replaces the earlier value.</li>
 * </ul>
 */
public final class UsageParser {

    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private UsageParser() {}

    /**
     * The most tokens of one kind a single call can plausibly report (also the aggregator's
     * per-event cap): a provider that reports more is refused ({@link UsageProblem#TOO_LARGE}).
     */
    public static final long MAX_TOKENS = 1_000_000_000L;

    /** Marks a count that is absent (or null): it leaves the earlier value as it is. */
    private static final long ABSENT = -1;

    /**
     * Usage from a whole JSON response body. True when counts were taken; false when it has none,
     * is not JSON, or reports counts that were refused (then {@link Usage#invalid} says why).
     */
    public static boolean fromResponseBody(byte[] body, int offset, int length, Api.Wire wire, Usage into) {
        try (JsonParser p = FACTORY.createParser(body, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    boolean taken = read(p, wire, into);
                    if (taken) {
                        into.complete = true;
                    }
                    return taken;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    /** Usage from a parser positioned before a usage object's START_OBJECT (the JSON answer's tap). */
    static void fromUsageObject(JsonParser p, Api.Wire wire, Usage into) throws IOException {
        if (p.nextToken() == JsonToken.START_OBJECT && read(p, wire, into)) {
            into.complete = true;
        }
    }

    /**
     * Applies a usage object already read into a tree (the SSE events): same rules as a response
     * body. False when nothing was taken (not an object, or numbers that were refused).
     */
    public static boolean apply(JsonNode usage, Api.Wire wire, Usage into) {
        if (usage == null || !usage.isObject()) {
            return false;
        }
        try (JsonParser p = usage.traverse()) {
            p.nextToken();
            return read(p, wire, into);
        } catch (IOException e) {
            throw new IllegalStateException("reading a parsed tree cannot fail", e);
        }
    }

    /**
     * Reads the usage object the parser is on (at its START_OBJECT) token by token, without building
     * a tree. OpenAI (both APIs): every count is set (absent = 0). Anthropic: a count that is present and not
     * null replaces the earlier one (message_start, then the cumulative message_delta). A count that
     * is negative, over {@link #MAX_TOKENS} or not a whole number, or a part larger than its whole,
     * refuses the whole report ({@link Usage#refuse}); so does any report after one was refused.
     * Returns whether the counts were taken.
     */
    private static boolean read(JsonParser p, Api.Wire wire, Usage into) throws IOException {
        if (into.invalid != null) {
            p.skipChildren();
            return false;
        }
        long prompt = ABSENT, cached = ABSENT, completion = ABSENT, reasoning = ABSENT;
        long input = ABSENT, output = ABSENT, cacheRead = ABSENT, cacheWrite = ABSENT, cacheWrite1h = ABSENT;
        UsageProblem bad = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            long n = ABSENT;
            if (wire == Api.Wire.OPENAI) {
                switch (field) {
                    case "prompt_tokens" -> n = prompt = number(p, value);
                    case "completion_tokens" -> n = completion = number(p, value);
                    case "prompt_tokens_details" -> n = cached = nested(p, value, "cached_tokens");
                    case "completion_tokens_details" -> n = reasoning = nested(p, value, "reasoning_tokens");
                    default -> p.skipChildren();
                }
            } else if (wire == Api.Wire.OPENAI_RESPONSES) {
                switch (field) {
                    case "input_tokens" -> n = prompt = number(p, value);
                    case "output_tokens" -> n = completion = number(p, value);
                    case "input_tokens_details" -> n = cached = nested(p, value, "cached_tokens");
                    case "output_tokens_details" -> n = reasoning = nested(p, value, "reasoning_tokens");
                    default -> p.skipChildren();
                }
            } else {
                switch (field) {
                    case "input_tokens" -> n = input = number(p, value);
                    case "output_tokens" -> n = output = number(p, value);
                    case "cache_read_input_tokens" -> n = cacheRead = number(p, value);
                    case "cache_creation_input_tokens" -> n = cacheWrite = number(p, value);
                    case "cache_creation" -> n = cacheWrite1h = nested(p, value, "ephemeral_1h_input_tokens");
                    default -> p.skipChildren();
                }
            }
            if (n < ABSENT && bad == null) {
                bad = PROBLEMS[(int) (-n - 2)];
            }
        }
        if (bad == null
                && wire != Api.Wire.ANTHROPIC
                && (Math.max(0, cached) > Math.max(0, prompt) || Math.max(0, reasoning) > Math.max(0, completion))) {
            bad = UsageProblem.INCONSISTENT;
        }
        if (bad == null
                && wire == Api.Wire.ANTHROPIC
                && (cacheWrite1h >= 0 ? cacheWrite1h : into.cacheWrite1h)
                        > (cacheWrite >= 0 ? cacheWrite : into.cacheWrite)) {
            bad = UsageProblem.INCONSISTENT;
        }
        if (bad != null) {
            into.refuse(bad);
            return false;
        }
        if (wire != Api.Wire.ANTHROPIC) {
            into.input = Math.max(0, prompt) - Math.max(0, cached);
            into.cacheRead = Math.max(0, cached);
            into.output = Math.max(0, completion);
            into.reasoning = Math.max(0, reasoning);
        } else {
            into.input = input >= 0 ? input : into.input;
            into.output = output >= 0 ? output : into.output;
            into.cacheRead = cacheRead >= 0 ? cacheRead : into.cacheRead;
            into.cacheWrite = cacheWrite >= 0 ? cacheWrite : into.cacheWrite;
            into.cacheWrite1h = cacheWrite1h >= 0 ? cacheWrite1h : into.cacheWrite1h;
        }
        into.reported = true;
        return true;
    }

    /** Refused counts are returned as {@code -2 - problem.ordinal()}, below {@link #ABSENT}. */
    private static final UsageProblem[] PROBLEMS = UsageProblem.values();

    private static long refused(UsageProblem problem) {
        return -2 - problem.ordinal();
    }

    /**
     * The value as a count: a whole number (also one sent as a string or as {@code 12.0}) from 0 to
     * {@link #MAX_TOKENS}; {@link #ABSENT} for null; {@link #refused} for anything else.
     */
    private static long number(JsonParser p, JsonToken value) throws IOException {
        long n;
        switch (value) {
            case VALUE_NULL -> {
                return ABSENT;
            }
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    return refused(
                            p.getBigIntegerValue().signum() < 0 ? UsageProblem.NEGATIVE : UsageProblem.TOO_LARGE);
                }
                n = p.getLongValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                double d = p.getDoubleValue();
                if (d != Math.rint(d) || Double.isInfinite(d)) {
                    return refused(UsageProblem.NOT_A_NUMBER);
                }
                if (d < 0) {
                    return refused(UsageProblem.NEGATIVE);
                }
                if (d > MAX_TOKENS) {
                    return refused(UsageProblem.TOO_LARGE);
                }
                n = (long) d;
            }
            case VALUE_STRING -> {
                try {
                    n = Long.parseLong(p.getText().trim());
                } catch (NumberFormatException e) {
                    return refused(UsageProblem.NOT_A_NUMBER);
                }
            }
            default -> {
                p.skipChildren();
                return refused(UsageProblem.NOT_A_NUMBER);
            }
        }
        if (n < 0) {
            return refused(UsageProblem.NEGATIVE);
        }
        return n > MAX_TOKENS ? refused(UsageProblem.TOO_LARGE) : n;
    }

    /** One count inside a nested object ({@code prompt_tokens_details.cached_tokens} and the like). */
    private static long nested(JsonParser p, JsonToken value, String name) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return value == JsonToken.VALUE_NULL ? ABSENT : refused(UsageProblem.NOT_A_NUMBER);
        }
        long out = ABSENT;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (name.equals(field)) {
                out = number(p, v);
            } else {
                p.skipChildren();
            }
        }
        return out;
    }
}
